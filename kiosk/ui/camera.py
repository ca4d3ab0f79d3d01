"""The camera on screen: a live preview texture, and frames looked at on a helper thread.

Frames are shown at about 15 a second, downscaled for the preview. On a single helper
thread (never more than one frame at a time, so a slow frame never queues work) frames are
either read for codes (`start(on_code=...)`, every third frame) or given to an analyser
(`start(analyse=..., on_result=...)`, the newest frame whenever the helper is free: the
document scanner's outline and guidance). Nothing is kept: the last frame is dropped when
the preview stops.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

import cv2
from kivy.clock import Clock, mainthread
from kivy.event import EventDispatcher
from kivy.graphics.texture import Texture
from kivy.properties import BooleanProperty, ObjectProperty

from scanner.camera import CameraError, open_camera
from scanner.codes import read_codes

log = logging.getLogger("kiosk.camera")
PREVIEW_WIDTH = 640


class CameraFeed(EventDispatcher):
    texture = ObjectProperty(None, allownone=True)
    running = BooleanProperty(False)
    failed = BooleanProperty(False)

    def __init__(self, source: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.source = source
        self._camera = None
        self._event = None
        self._on_code = None
        self._analyse = None
        self._on_result = None
        self._generation = 0
        self._decoding = False
        self._frames = 0
        self._last = None
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="codes")

    @property
    def available(self) -> bool:
        return self.source != "none"

    def start(self, on_code=None, analyse=None, on_result=None) -> None:
        """Show the camera; `on_code(text)` is called (on Kivy's thread) for each code read,
        or `on_result(result, frame)` with what `analyse(frame)` (on the helper thread) said."""
        self._on_code = on_code
        self._analyse, self._on_result = analyse, on_result
        if self.running:
            return
        try:
            self._camera = open_camera(self.source)
        except (CameraError, OSError, ValueError) as exc:
            log.warning("camera unavailable: %s", exc)
            self._camera = None
        self.failed = self._camera is None and self.available
        if self._camera is None:
            return
        self.running = True
        self._event = Clock.schedule_interval(self._tick, 1 / 15)

    def stop(self) -> None:
        if self._event is not None:
            self._event.cancel()
            self._event = None
        if self._camera is not None:
            self._camera.close()
            self._camera = None
        self.running = False
        self._on_code = None
        self._analyse = self._on_result = None
        self._generation += 1  # whatever the helper is doing now is no longer wanted
        self._decoding = False
        self._last = None
        self.texture = None

    def snapshot(self):
        """The latest full-size frame (BGR), or None."""
        return None if self._last is None else self._last.copy()

    def _tick(self, _dt) -> None:
        if self._camera is None:
            return
        try:
            frame = self._camera.read()
        except CameraError:
            self.failed = True
            self.stop()
            return
        if frame is None:
            return
        self._last = frame
        h, w = frame.shape[:2]
        scale = PREVIEW_WIDTH / w
        preview = cv2.resize(frame, (PREVIEW_WIDTH, max(1, round(h * scale))), interpolation=cv2.INTER_AREA)
        preview = cv2.flip(preview, 0)  # OpenCV rows run top-down, textures bottom-up
        ph, pw = preview.shape[:2]
        texture = self.texture
        if texture is None or texture.size != (pw, ph):
            texture = Texture.create(size=(pw, ph), colorfmt="bgr")
        texture.blit_buffer(preview.tobytes(), colorfmt="bgr", bufferfmt="ubyte")
        self.texture = texture
        self.property("texture").dispatch(self)
        self._frames += 1
        if self._decoding:
            return
        if self._analyse is not None:
            self._decoding = True
            self._pool.submit(self._run_analysis, frame, self._analyse, self._generation)
        elif self._on_code is not None and self._frames % 3 == 0:
            self._decoding = True
            self._pool.submit(self._decode, frame, self._generation)

    def _decode(self, frame, generation: int) -> None:
        try:
            codes = read_codes(frame, thorough=False)  # another frame comes in a moment
        except Exception as exc:  # noqa: BLE001 - a bad frame must not stop the preview
            log.warning("code reading failed: %s", type(exc).__name__)
            codes = []
        self._decoded(codes, generation)

    @mainthread
    def _decoded(self, codes, generation: int) -> None:
        if generation != self._generation:
            return
        self._decoding = False
        if codes and self._on_code is not None:
            self._on_code(codes[0].text)

    def _run_analysis(self, frame, analyse, generation: int) -> None:
        try:
            result = analyse(frame)
        except Exception as exc:  # noqa: BLE001 - a bad frame must not stop the preview
            log.warning("frame analysis failed: %s", type(exc).__name__)
            result = None
        self._analysed(result, frame, generation)

    @mainthread
    def _analysed(self, result, frame, generation: int) -> None:
        if generation != self._generation:
            return
        self._decoding = False
        if result is not None and self._on_result is not None:
            self._on_result(result, frame)

"""Camera sources behind one interface: a device camera, a video file, an image folder.

    >>> camera = open_camera("folder:tests/data/frames")    # doctest: +SKIP
    >>> frame = camera.read()         # a BGR numpy array, or None when nothing is ready
    >>> camera.close()

`open_camera(spec)` takes the `[camera] source` setting:

- `device:0`  the first camera OpenCV can open (a tablet's or hub PC's webcam);
- `video:PATH` a video file, played at its own frame rate and looped (demos);
- `folder:PATH` the images in a folder, in name order, each shown for `hold` seconds and
  looped (tests, and demos on machines with no camera);
- `none`      no camera: screens offer typing instead.

The last two stand in for a physical camera where none can run, with the same interface.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import cv2
import numpy as np

from scanner import ScannerError

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".webp"}


class CameraError(ScannerError):
    """The camera could not be opened or stopped giving frames."""


class Camera:
    """A source of BGR frames. `read()` never blocks for long; None means no new frame."""

    def read(self) -> np.ndarray | None:
        raise NotImplementedError

    def close(self) -> None:
        """Stop the camera; safe to call more than once."""

    def __enter__(self):
        return self

    def __exit__(self, *_exc) -> None:
        self.close()


class DeviceCamera(Camera):
    """A webcam through OpenCV, read on its own thread so the UI never waits for it."""

    def __init__(self, index: int = 0, width: int = 1280, height: int = 720) -> None:
        self._capture = cv2.VideoCapture(index)
        if not self._capture.isOpened():
            raise CameraError(f"no camera at index {index}")
        self._capture.set(cv2.CAP_PROP_FRAME_WIDTH, width)
        self._capture.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
        self._frame: np.ndarray | None = None
        self._lock = threading.Lock()
        self._running = True
        self._thread = threading.Thread(target=self._loop, name="camera", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while self._running:
            ok, frame = self._capture.read()
            if not ok:
                time.sleep(0.05)
                continue
            with self._lock:
                self._frame = frame

    def read(self) -> np.ndarray | None:
        with self._lock:
            frame, self._frame = self._frame, None
        return frame

    def close(self) -> None:
        self._running = False
        if self._thread.is_alive():
            self._thread.join(1.0)
        self._capture.release()
        with self._lock:
            self._frame = None


class VideoCamera(Camera):
    """A video file played in real time and looped."""

    def __init__(self, path: Path, clock=time.monotonic) -> None:
        self.path = Path(path)
        self._capture = cv2.VideoCapture(str(self.path))
        if not self._capture.isOpened():
            raise CameraError(f"cannot open video {self.path}")
        self._fps = self._capture.get(cv2.CAP_PROP_FPS) or 25.0
        self._clock = clock
        self._started = clock()
        self._shown = -1

    def read(self) -> np.ndarray | None:
        due = int((self._clock() - self._started) * self._fps)
        if due <= self._shown:
            return None
        frame = None
        while self._shown < due:
            ok, frame = self._capture.read()
            if not ok:  # end of the video: from the start again
                self._capture.set(cv2.CAP_PROP_POS_FRAMES, 0)
                self._started, self._shown, due = self._clock(), -1, 0
                ok, frame = self._capture.read()
                if not ok:
                    raise CameraError(f"no frames in {self.path}")
            self._shown += 1
        return frame

    def close(self) -> None:
        self._capture.release()


class FolderCamera(Camera):
    """The images of a folder, in name order, each held for `hold` seconds, looped."""

    def __init__(self, folder: Path, hold: float = 0.5, clock=time.monotonic) -> None:
        self.folder = Path(folder)
        self.files = sorted(p for p in self.folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES) \
            if self.folder.is_dir() else []
        if not self.files:
            raise CameraError(f"no images in {self.folder}")
        self.hold = hold
        self._clock = clock
        self._started = clock()
        self._shown = -1
        self._cache: dict[int, np.ndarray] = {}

    def read(self) -> np.ndarray | None:
        due = int((self._clock() - self._started) / self.hold) if self.hold > 0 else self._shown + 1
        if due == self._shown:
            return None
        self._shown = due
        index = due % len(self.files)
        if index not in self._cache:
            image = cv2.imread(str(self.files[index]), cv2.IMREAD_COLOR)
            if image is None:
                raise CameraError(f"cannot read {self.files[index].name}")
            if len(self._cache) < 16:
                self._cache[index] = image
            return image.copy()
        return self._cache[index].copy()

    def close(self) -> None:
        self._cache.clear()


def open_camera(spec: str) -> Camera | None:
    """The camera a `[camera] source` setting names, or None for `none`."""
    kind, _, rest = spec.partition(":")
    if kind == "none":
        return None
    if kind == "device":
        return DeviceCamera(int(rest or 0))
    if kind == "video":
        return VideoCamera(Path(rest))
    if kind == "folder":
        return FolderCamera(Path(rest))
    raise CameraError(f"unknown camera source {spec!r} (device:N, video:PATH, folder:PATH or none)")

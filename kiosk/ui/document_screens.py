"""Document-scanning screens. Each shows one step of `DocumentFlow` and forwards touches to
it; layouts are the rules of the same names in `assets/kv/documents.kv`. The live preview
with its outline and the corner editor are the two widgets of their own.
"""

from __future__ import annotations

import cv2
import numpy as np
from kivy.graphics import Color, Line, Rectangle
from kivy.graphics.texture import Texture
from kivy.metrics import dp
from kivy.properties import BooleanProperty, ListProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.widget import Widget

from kiosk.ui.documents import kind_detail, kind_label, purpose_detail, purpose_label, reference_hint
from kiosk.core.printing import NOT_PRINTED, PRINTED
from kiosk.ui.i18n import tr
from kiosk.ui.screens import FlowScreen, app
from kiosk.ui.theme import theme
from kiosk.ui.visitor_screens import DoneScreen
from kiosk.ui.widgets import ChoiceRow


def flow():
    return app().documents


def texture_from(image: np.ndarray) -> Texture:
    """A Kivy texture showing a BGR (or grey) image the right way up."""
    if image.ndim == 2:
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    flipped = cv2.flip(image, 0)  # OpenCV rows run top-down, textures bottom-up
    h, w = flipped.shape[:2]
    texture = Texture.create(size=(w, h), colorfmt="bgr")
    texture.blit_buffer(np.ascontiguousarray(flipped).tobytes(), colorfmt="bgr", bufferfmt="ubyte")
    return texture


def fitted(widget, size) -> tuple[float, float, float]:
    """Where an image of `size` (w, h) sits inside `widget` when fitted whole: x, y, scale."""
    w, h = size
    if not w or not h:
        return widget.x, widget.y, 1.0
    scale = min(widget.width / w, widget.height / h)
    return widget.x + (widget.width - w * scale) / 2, widget.y + (widget.height - h * scale) / 2, scale


class DocScreen(FlowScreen):
    """A screen of the document flow: shows the flow's message for it."""


class DocStartScreen(DocScreen):
    def refresh(self) -> None:
        super().refresh()
        rows = self.ids.purposes
        rows.clear_widgets()
        for purpose in ("housing-benefit", "council-tax", "housing-register", "other"):
            row = ChoiceRow(title=purpose_label(purpose), detail=purpose_detail(purpose), item_id=purpose)
            row.bind(on_release=lambda r: flow().choose_purpose(r.item_id))
            rows.add_widget(row)


class DocKindScreen(DocScreen):
    service = StringProperty("")

    def refresh(self) -> None:
        super().refresh()
        session = flow().session
        self.service = purpose_label(session.purpose) if session.purpose else ""
        grid = self.ids.kinds
        grid.clear_widgets()
        for kind in ("identity", "address", "income", "council-letter", "bank-statement", "other"):
            row = ChoiceRow(title=kind_label(kind), detail=kind_detail(kind), item_id=kind)
            row.bind(on_release=lambda r: flow().choose_kind(r.item_id))
            grid.add_widget(row)


class DocReferenceScreen(DocScreen):
    hint = StringProperty("")
    texture = ObjectProperty(None, allownone=True)
    camera_on = BooleanProperty(False)
    camera_failed = BooleanProperty(False)

    def on_pre_enter(self, *args):
        session = flow().session
        self.ids.reference.text = session.reference
        super().on_pre_enter(*args)

    def refresh(self) -> None:
        super().refresh()
        session = flow().session
        self.hint = reference_hint(session.purpose) if session.purpose else ""

    def on_enter(self, *args):
        super().on_enter(*args)
        feed = flow().camera
        flow().start_reference_camera(self._found)
        self.camera_on, self.camera_failed = feed.running, feed.failed
        feed.bind(texture=self._texture)

    def on_leave(self, *_args):
        feed = flow().camera
        feed.unbind(texture=self._texture)
        flow().stop_camera("reference")
        self.texture = None

    def _texture(self, _feed, texture) -> None:
        self.texture = texture

    def _found(self, reference: str) -> None:
        self.ids.reference.text = reference
        self.refresh()

    def submit(self) -> None:
        flow().give_reference(self.ids.reference.text)


class DocPersonScreen(DocScreen):
    def on_pre_enter(self, *args):
        session = flow().session
        self.ids.name.text, self.ids.postcode.text = session.name, session.postcode
        super().on_pre_enter(*args)

    def submit(self) -> None:
        flow().give_person(self.ids.name.text, self.ids.postcode.text)


class ScanPreview(Widget):
    """The live camera picture with the document's outline drawn over it."""

    texture = ObjectProperty(None, allownone=True)
    quad = ListProperty([])          # 8 numbers: the corners in camera pixels, or empty
    frame_size = ListProperty([0, 0])
    good = BooleanProperty(False)    # outline in the "all is well" colour

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        with self.canvas:
            Color(0.08, 0.1, 0.12, 1)
            self._back = Rectangle()
            self._tint = Color(1, 1, 1, 1)
            self._picture = Rectangle()
            self._line_colour = Color(0, 0, 0, 0)
            self._line = Line(width=dp(4), close=True)
        for name in ("pos", "size", "texture", "quad", "frame_size", "good"):
            self.fbind(name, self._redraw)

    def _redraw(self, *_args) -> None:
        self._back.pos, self._back.size = self.pos, self.size
        texture = self.texture
        if texture is None:
            self._picture.texture, self._picture.size = None, (0, 0)
            self._line.points = []
            return
        tw, th = texture.size
        x, y, scale = fitted(self, (tw, th))
        self._picture.texture = texture
        self._picture.pos, self._picture.size = (x, y), (tw * scale, th * scale)
        fw, fh = self.frame_size
        if len(self.quad) != 8 or not fw:
            self._line.points = []
            return
        s = tw * scale / fw   # camera pixels to screen
        points = []
        for i in range(4):
            qx, qy = self.quad[2 * i], self.quad[2 * i + 1]
            points += [x + qx * s, y + (fh - qy) * s]
        self._line_colour.rgba = (*theme.success[:3], 1) if self.good else (*theme.focus[:3], 1)
        self._line.points = points


class DocCameraScreen(DocScreen):
    texture = ObjectProperty(None, allownone=True)
    quad = ListProperty([])
    frame_size = ListProperty([0, 0])
    guidance = StringProperty("")
    progress = NumericProperty(0)
    busy = BooleanProperty(False)
    good = BooleanProperty(False)
    page_line = StringProperty("")
    camera_failed = BooleanProperty(False)

    def on_enter(self, *args):
        super().on_enter(*args)
        feed = flow().camera
        feed.bind(texture=self._texture)
        flow().start_live()
        self.camera_failed = feed.failed or not feed.available
        self.refresh()

    def on_leave(self, *_args):
        feed = flow().camera
        feed.unbind(texture=self._texture)
        flow().stop_camera("live")
        self.texture = None
        self.quad = []

    def _texture(self, _feed, texture) -> None:
        self.texture = texture

    def refresh(self) -> None:
        super().refresh()
        f = flow()
        self.guidance = f.guidance
        self.progress = f.progress
        self.busy = f.busy
        self.good = f.quad is not None and f.progress > 0
        self.frame_size = list(f.frame_size)
        self.quad = [v for point in f.quad.points for v in point] if f.quad is not None else []
        number = f.current + 1 if f.retaking and f.current >= 0 else len(f.session.pages) + 1
        self.page_line = tr._("Page {n}").format(n=number)


class PageThumb(ButtonBehavior, Widget):
    texture = ObjectProperty(None, allownone=True)
    number = NumericProperty(0)
    selected = BooleanProperty(False)


class DocReviewScreen(DocScreen):
    texture = ObjectProperty(None, allownone=True)
    busy = BooleanProperty(False)
    page_line = StringProperty("")
    send_label = StringProperty("")
    mode_label = StringProperty("")
    found = BooleanProperty(True)
    full = BooleanProperty(False)

    def refresh(self) -> None:
        super().refresh()
        f = flow()
        self.busy = f.busy
        page = f.page
        pages = f.session.pages
        self.full = f.session.full
        self.send_label = tr.n_("Send {n} page", "Send {n} pages", len(pages)).format(n=len(pages))
        strip = self.ids.thumbs
        strip.clear_widgets()
        if page is None:
            self.texture = None
            return
        self.page_line = tr._("Page {n} of {total}").format(n=f.current + 1, total=len(pages))
        self.mode_label = tr._("Make it black and white") if page.mode == "colour" else tr._("Show it in colour")
        self.found = page.found
        image = page.image()
        h, w = image.shape[:2]
        scale = 900 / max(h, w)
        self.texture = texture_from(cv2.resize(image, (round(w * scale), round(h * scale)),
                                               interpolation=cv2.INTER_AREA))
        for i, item in enumerate(pages):
            thumb = PageThumb(texture=texture_from(item.thumb), number=i + 1, selected=i == f.current)
            thumb.bind(on_release=lambda t: flow().view_page(t.number - 1))
            strip.add_widget(thumb)

    def on_leave(self, *_args):
        self.texture = None
        self.ids.thumbs.clear_widgets()


class CornerEditor(Widget):
    """The photo with the document's four corners as handles to drag into place."""

    texture = ObjectProperty(None, allownone=True)
    frame_size = ListProperty([0, 0])
    corners = ListProperty([])    # 8 numbers in camera pixels: TL, TR, BR, BL

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._grabbed: int | None = None
        with self.canvas:
            Color(0.08, 0.1, 0.12, 1)
            self._back = Rectangle()
            Color(1, 1, 1, 1)
            self._picture = Rectangle()
            Color(*theme.focus[:3], 1)
            self._line = Line(width=dp(3), close=True)
            self._handles = [Line(width=dp(4)) for _ in range(4)]
        for name in ("pos", "size", "texture", "corners", "frame_size"):
            self.fbind(name, self._redraw)

    def _mapping(self):
        fw, fh = self.frame_size
        x, y, scale = fitted(self, (fw, fh))
        return x, y, scale, fh

    def _screen_points(self) -> list[tuple[float, float]]:
        x, y, scale, fh = self._mapping()
        return [(x + self.corners[2 * i] * scale, y + (fh - self.corners[2 * i + 1]) * scale) for i in range(4)]

    def _redraw(self, *_args) -> None:
        self._back.pos, self._back.size = self.pos, self.size
        if self.texture is None or len(self.corners) != 8:
            self._picture.size = (0, 0)
            self._line.points = []
            for handle in self._handles:
                handle.circle = (0, 0, 0)
            return
        x, y, scale, fh = self._mapping()
        fw = self.frame_size[0]
        self._picture.texture = self.texture
        self._picture.pos, self._picture.size = (x, y), (fw * scale, fh * scale)
        points = self._screen_points()
        self._line.points = [v for p in points for v in p]
        for handle, (px, py) in zip(self._handles, points, strict=True):
            handle.circle = (px, py, dp(22))

    def on_touch_down(self, touch):
        if not self.collide_point(*touch.pos) or len(self.corners) != 8:
            return super().on_touch_down(touch)
        points = self._screen_points()
        distances = [((px - touch.x) ** 2 + (py - touch.y) ** 2) ** 0.5 for px, py in points]
        nearest = int(np.argmin(distances))
        if distances[nearest] > dp(70):
            return super().on_touch_down(touch)
        self._grabbed = nearest
        touch.grab(self)
        return True

    def on_touch_move(self, touch):
        if touch.grab_current is not self or self._grabbed is None:
            return super().on_touch_move(touch)
        x, y, scale, fh = self._mapping()
        fw = self.frame_size[0]
        fx = min(max((touch.x - x) / scale, 0), fw - 1)
        fy = min(max(fh - (touch.y - y) / scale, 0), fh - 1)
        corners = list(self.corners)
        corners[2 * self._grabbed], corners[2 * self._grabbed + 1] = fx, fy
        self.corners = corners
        return True

    def on_touch_up(self, touch):
        if touch.grab_current is self:
            touch.ungrab(self)
            self._grabbed = None
            return True
        return super().on_touch_up(touch)


class DocAdjustScreen(DocScreen):
    texture = ObjectProperty(None, allownone=True)
    frame_size = ListProperty([0, 0])
    corners = ListProperty([])

    def refresh(self) -> None:
        super().refresh()
        adjusting = flow().adjusting
        if adjusting is None:
            return
        frame, quad = adjusting
        h, w = frame.shape[:2]
        scale = min(1.0, 1280 / max(h, w))
        shown = cv2.resize(frame, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)
        self.texture = texture_from(shown)
        self.frame_size = [w, h]
        self.corners = [v for point in quad.points for v in point]

    def done(self) -> None:
        from scanner.detect import Quad

        c = self.ids.editor.corners
        flow().adjusted(Quad.from_array([[c[0], c[1]], [c[2], c[3]], [c[4], c[5]], [c[6], c[7]]]))

    def on_leave(self, *_args):
        self.texture = None
        self.corners = []


class DocSentScreen(DoneScreen):
    """The receipt: it stays long enough to write the number down, then finishes."""

    seconds = 90
    receipt = StringProperty("")
    detail = StringProperty("")
    printed_line = StringProperty("")
    next_steps = StringProperty("")
    offline = BooleanProperty(False)

    def refresh(self) -> None:
        super().refresh()
        sent = flow().session.sent
        if sent is None:
            return
        self.receipt = sent.receipt
        slip = flow().slip(sent)
        self.detail = "\n".join(slip.lines[:2])
        self.next_steps = slip.lines[3]
        self.offline = sent.offline
        printed = flow().printed
        if printed == PRINTED:
            self.printed_line = tr._("Take your receipt from the printer.")
        elif printed == NOT_PRINTED:
            self.printed_line = tr._("The receipt could not be printed. Please write the number down.")
        else:
            self.printed_line = tr._("Please write the number down, or take a photo of this screen.")

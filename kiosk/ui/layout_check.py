"""Check every screen of the kiosk for clipped, overlapping, off-screen, small or faint parts.

    python -m kiosk layout-check [--json] [--out DIR] [--texts FILE] [--languages en,pl] [--steps home,...]

Drives the app through the tour's steps (`kiosk.ui.tour.STEPS`) in each language, and each
state at every text size and in both contrast modes; on screens with a field, once more with
the on-screen keyboard open. For each state it reads the widget tree into `kiosk.core.layout`
parts, measures contrast on the drawn frame, and lists what `kiosk.core.layout.check` finds.
With `--out`, a PNG of each failing state is written, its failures outlined in red; with
`--texts`, the text shown on each screen at the normal size, by language and step (the test
suite reads it to catch any string left in English).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.lang import Builder
from kivy.metrics import mm
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.image import Image
from kivy.uix.label import Label
from kivy.uix.modalview import ModalView
from kivy.uix.scrollview import ScrollView
from kivy.uix.stencilview import StencilView
from kivy.uix.textinput import TextInput

from kiosk.core import layout
from kiosk.core.layout import Failure, Part, Rect
from kiosk.ui.widgets import KeyButton

TEXT_SIZES = ("normal", "large", "largest")
CONTRASTS = (False, True)
_TAG = re.compile(r"\[/?[a-z]+(=[^\]]*)?\]")
_ICON_FONT = re.compile(r"\[font=[^\]]*\][^\[]*\[/font\]")


@dataclass
class State:
    lang: str
    step: str
    text_size: str
    high_contrast: bool
    keyboard: bool = False
    failures: list[Failure] = field(default_factory=list)

    @property
    def name(self) -> str:
        mode = "high-contrast" if self.high_contrast else "standard"
        return f"{self.lang}/{self.step}/{self.text_size}/{mode}" + ("/keyboard" if self.keyboard else "")

    def as_dict(self) -> dict:
        return {"state": self.name, "failures": [f.as_dict() for f in self.failures]}


# ----- reading the window ---------------------------------------------------------------------
def _window_rect(widget) -> Rect:
    x0, y0 = widget.to_window(widget.x, widget.y)
    x1, y1 = widget.to_window(widget.right, widget.top)
    return Rect(min(x0, x1), min(y0, y1), abs(x1 - x0), abs(y1 - y0))


def _ids(roots) -> dict[int, str]:
    """Each widget's id in the kv rule that made it, keyed by its proxy (what `ids` hold)."""
    names = {}
    for root in roots:
        for widget in root.walk():
            for key, value in widget.ids.items():
                names[id(value)] = key
    return names


def _name(widget, ids: dict[int, str]) -> str:
    """The widget's class and its kv id, or its place among its parent's children."""
    key = ids.get(id(widget.proxy_ref))
    if key:
        return f"{type(widget).__name__}#{key}"
    siblings = list(reversed(widget.parent.children)) if widget.parent is not None else [widget]
    return f"{type(widget).__name__}[{siblings.index(widget)}]"


def short(path: str) -> str:
    """The last few steps of a part's path: enough to find it in the kv rules."""
    steps = path.strip("/").split("/")
    screens = [i for i, s in enumerate(steps) if s.endswith("Screen") or "Screen#" in s or "Dialog" in s
               or s.startswith("IdleWarning")]
    start = screens[-1] if screens else max(0, len(steps) - 4)
    kept = steps[start:]
    if len(kept) > 5:
        kept = kept[:1] + ["…"] + kept[-3:]
    return "/".join(kept)


def _plain(text: str) -> str:
    return _TAG.sub("", _ICON_FONT.sub("", text)).strip()


def _only_icons(text: str) -> bool:
    return bool(_ICON_FONT.search(text)) and not _plain(text)


_MEASURED: dict = {}


def _font_key(core) -> tuple:
    o = core.options
    return (o.get("font_name"), o.get("font_size"), o.get("bold"), o.get("italic"), o.get("font_family"),
            tuple(o.get("padding") or ()), o.get("line_height"), o.get("markup", False), type(core).__name__)


def _measure(label, width):
    """(width, height) the label's text needs at wrap width `width` (None: one line), unshortened."""
    core = label._label
    if core is None:
        return 0, 0
    key = (_font_key(core), core.text, width, core.options.get("halign"), core.options.get("strip"))
    if key not in _MEASURED:
        options = dict(core.options)
        options.update(text_size=(width, None), shorten=False)
        options.pop("text", None)
        probe = type(core)(text=core.text, **options)
        probe.resolve_font_name()
        _MEASURED[key] = probe.render()
    return _MEASURED[key]


def _word_width(core, word: str) -> float:
    key = (_font_key(core), word)
    if key not in _MEASURED:
        _MEASURED[key] = core.get_extents(word)[0]
    return _MEASURED[key]


def _words_too_wide(label, width) -> str:
    core = label._label
    text = _plain(label.text)
    if core is None or not text or width is None:
        return ""
    pad = label.padding[0]
    room = width - 2 * pad
    for word in set(re.split(r"\s+", text)):
        if word and _word_width(core, word) > room + 1:
            return word
    return ""


def _text_fit(label) -> str:
    """Why a label's text does not fit it, or ''."""
    if not _plain(label.text) and not _only_icons(label.text):
        return ""
    if label.texture is None:
        label.texture_update()
    tw, th = label.text_size
    if label.shorten and label._label is not None and label._label.is_shortened:
        return "text cut short with ..."
    if tw:
        word = _words_too_wide(label, tw)
        if word:
            return f"the word {word!r} is broken across lines"
        _need_w, need_h = _measure(label, tw)
        room = th if th else label.height
        if need_h > room + layout.SLACK and need_h > label.height + layout.SLACK:
            return f"text needs {need_h} px of height, has {round(label.height)}"
        return ""
    need_w, need_h = label.texture_size
    if need_w > label.width + 2 or need_h > label.height + 2:
        return f"text needs {need_w}x{need_h} px, has {round(label.width)}x{round(label.height)}"
    return ""


def read_parts(roots) -> list[Part]:
    """Every visible part under `roots` (the window's children to check), front-most last."""
    parts: list[Part] = []
    screen = Rect(0, 0, Window.width, Window.height)
    ids = _ids(roots)

    def visit(widget, clip: Rect, hard: Rect | None, opacity: float, ancestors: tuple, container: Part | None,
              path: str):
        # `clip`: what may be drawn (every clipping box above); `hard`: what can be shown
        # without scrolling (None inside a scrolling list, which shows the rest on a swipe).
        opacity *= widget.opacity
        if opacity <= 0.01 or widget.width <= 0.5 or widget.height <= 0.5:
            return
        rect = _window_rect(widget)
        shown = rect.intersection(clip)
        name = f"{path}/{_name(widget, ids)}"
        part = None
        overlay = bool(getattr(widget, "layout_overlay", False))
        if isinstance(widget, ButtonBehavior):
            label = _plain(getattr(widget, "label", "") or getattr(widget, "title", "") or getattr(widget, "text", ""))
            part = Part(name, shown or rect, "control", label, touchable=not widget.disabled, overlay=overlay,
                        key=isinstance(widget, KeyButton))
            if isinstance(widget, Label):
                part.clipped = _text_fit(widget)
        elif isinstance(widget, TextInput):
            part = Part(name, shown or rect, "field", widget.text or str(widget.hint_text),
                        touchable=not widget.disabled, overlay=overlay)
        elif isinstance(widget, Label):
            if _plain(widget.text) or _only_icons(widget.text):
                part = Part(name, shown or rect, "text", _plain(widget.text) or "(icon)", overlay=overlay)
                part.clipped = _text_fit(widget)
        elif isinstance(widget, Image) and widget.texture is not None:
            part = Part(name, shown or rect, "image", overlay=overlay)
        elif isinstance(widget, ScrollView) and hard is not None and not hard.contains(rect):
            part = Part(name, shown or rect, "list", "(a scrolling list)")
        if part is not None:
            if shown is None and hard is None:
                return   # scrolled out of its list: not drawn, and a swipe away
            part.ancestors, part.full = ancestors, rect
            part.cut = hard is not None and not hard.contains(rect)
            part.scrolls = hard is None
            if shown is None:
                part.rect, part.drawn = rect, False
            if container is not None:
                part.container, part.container_path = container.rect, container.path
            part.widget, part.opacity = widget, opacity
            parts.append(part)
            ancestors = ancestors + (name,)
            if part.kind == "control":
                container = part
        inner, inner_hard = clip, hard
        if isinstance(widget, StencilView):
            inner = rect.intersection(clip) or Rect(rect.x, rect.y, 0, 0)
            if isinstance(widget, ScrollView):
                inner_hard = None
            elif hard is not None:
                inner_hard = rect.intersection(hard) or Rect(rect.x, rect.y, 0, 0)
        for child in reversed(widget.children):   # drawing order: first child first
            visit(child, inner, inner_hard, opacity, ancestors, container, name)

    for root in roots:
        visit(root, screen, screen, 1.0, (), None, "")
    return parts


def roots_to_check() -> list:
    """The topmost dialog if one is open (what is under it is dimmed and out of reach), else
    the kiosk's own root."""
    children = list(Window.children)   # front-most first
    for widget in children:
        if isinstance(widget, ModalView):
            return [widget]
    return children[-1:]


# ----- contrast on the drawn frame --------------------------------------------------------------
def frame_pixels() -> np.ndarray:
    """The frame as drawn now: rows from the bottom, RGB 0..255 (window coordinates)."""
    from kivy.graphics.opengl import GL_RGB, GL_UNSIGNED_BYTE, glReadPixels

    Window.dispatch("on_draw")
    width, height = Window.size
    data = glReadPixels(0, 0, width, height, GL_RGB, GL_UNSIGNED_BYTE)
    return np.frombuffer(data, dtype=np.uint8).reshape(height, width, 3)


def _region(pixels, rect: Rect):
    h, w = pixels.shape[:2]
    x0, y0 = max(0, int(rect.x)), max(0, int(rect.y))
    x1, y1 = min(w, int(rect.right)), min(h, int(rect.top))
    if x1 <= x0 or y1 <= y0:
        return None
    return pixels[y0:y1, x0:x1].reshape(-1, 3)


def _colours(region) -> list[tuple[tuple[float, float, float], float]]:
    """The colours of a region, most common first, with their share."""
    packed = (region[:, 0].astype(np.int32) << 16) | (region[:, 1].astype(np.int32) << 8) | region[:, 2]
    values, counts = np.unique(packed, return_counts=True)
    order = np.argsort(-counts)
    total = counts.sum()
    return [(((v >> 16) / 255, ((v >> 8) & 255) / 255, (v & 255) / 255), c / total)
            for v, c in zip(values[order][:8], counts[order][:8])]


def _ring(pixels, rect: Rect, inset: float, width: float):
    """Pixels of a band `width` wide starting `inset` inside `rect` (negative: outside)."""
    outer = Rect(rect.x + inset, rect.y + inset, rect.w - 2 * inset, rect.h - 2 * inset)
    inner = Rect(outer.x + width, outer.y + width, outer.w - 2 * width, outer.h - 2 * width)
    bands = [Rect(outer.x, outer.y, outer.w, width), Rect(outer.x, inner.top, outer.w, width),
             Rect(outer.x, inner.y, width, inner.h), Rect(inner.right, inner.y, width, inner.h)]
    found = [r for r in (_region(pixels, b) for b in bands) if r is not None and len(r)]
    return np.concatenate(found) if found else None


def measure_contrast(parts: list[Part], pixels: np.ndarray) -> None:
    for part in parts:
        widget = part.widget
        if widget.disabled or not part.drawn or part.full != part.rect:
            continue   # inactive controls need no contrast (WCAG); half-hidden ones are measured in view
        if part.kind in ("text", "control") and isinstance(widget, Label) and not part.overlay:
            region = _region(pixels, part.rect)
            if region is None:
                continue
            colours = _colours(region)
            back = colours[0][0]
            front = layout.blend(tuple(widget.color[:3]) + (widget.color[3] * part.opacity,), back)
            ratio = layout.contrast(front, back)
            if _only_icons(widget.text):
                part.boundary_contrast = ratio if part.boundary_contrast is None else part.boundary_contrast
            else:
                part.text_contrast = ratio
        if part.kind == "field" and not widget.text and widget.hint_text:
            region = _region(pixels, part.rect)
            if region is not None:
                back = _colours(region)[0][0]
                hint = layout.blend(tuple(widget.hint_text_color), back)
                part.text_contrast = layout.contrast(hint, back)
        if part.kind in ("control", "field") and not getattr(widget, "keyboard_focus", False):
            inside = _ring(pixels, part.rect, 1, 5)
            outside = _ring(pixels, part.rect, -4, 3)
            if inside is None or outside is None:
                continue
            around = _colours(outside)[0][0]
            edge = [layout.contrast(c, around) for c, share in _colours(inside) if share >= 0.1]
            best = max(edge, default=1.0)
            if best >= 1.1:   # a drawn boundary: it must be seen
                part.boundary_contrast = best


# ----- driving the app --------------------------------------------------------------------------
class LayoutCheck:
    """Runs the matrix on a built (not running) app; `app._run_prepare()` has been called."""

    def __init__(self, app, languages=None, steps=None, out_dir: Path | None = None) -> None:
        from kiosk.ui.tour import STEPS

        self.app = app
        self.languages = languages or app.available_languages
        self.steps = [(n, a) for n, a in STEPS if not steps or n in steps]
        self.out_dir = out_dir
        self.states: list[State] = []
        self.texts: dict[str, dict[str, list[str]]] = {}   # lang -> step -> text shown (normal size)
        self.min_target = mm(layout.TOUCH_MM)
        self.min_key = mm(layout.KEY_MM)

    def frames(self, n: int) -> None:
        """Run `n` frames' worth of clock events and layout, without drawing them."""
        for _ in range(n):
            Clock.tick()
            Builder.sync()
            Clock.tick_draw()
            Builder.sync()

    def settle(self, seconds: float) -> None:
        """Run frames until `seconds` of real time have passed (for timed events)."""
        import time

        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.frames(1)
        self.frames(2)

    def run(self) -> list[State]:
        from kiosk.ui.tour import enter_step

        app = self.app
        saved_fps = Clock._max_fps
        Clock._max_fps = 0   # lay out as fast as the machine can: nothing here is timed
        app.transition_seconds = 0
        app.prebuild_screens = False   # only the screens shown are built
        if not app._warmed:
            # As a running kiosk does first: start-up objects are then frozen out of the
            # collection each wipe makes, which is most of a wipe's time.
            app._warm_up()
        try:
            for lang in self.languages:
                for step, action in self.steps:
                    enter_step(app, lang, action)
                    self.frames(4)
                    self._check_each_look(step, keyboard=False)
                    field = self._first_field()
                    if field is not None:
                        field.focus = True
                        self.settle(0.15)   # the field scrolls into view once the keyboard is up
                        self._check_each_look(step, keyboard=True)
                        field.focus = False
        finally:
            Clock._max_fps = saved_fps
            app.prebuild_screens = True
            app.wipe()
        return self.states

    def _check_each_look(self, step: str, keyboard: bool) -> None:
        """The state on screen at every text size in both contrast modes."""
        from kiosk.ui.i18n import tr
        from kiosk.ui.theme import theme

        for size in TEXT_SIZES:
            for high in CONTRASTS:
                theme.set_text_size(size)
                theme.set_contrast(high)
                self.frames(4)
                self._check(State(tr.lang, step, size, high, keyboard=keyboard))

    def _first_field(self):
        if any(isinstance(w, ModalView) for w in Window.children) or self.app.keyboard.shown:
            return None
        screen = self.app.sm.current_screen
        for widget in screen.walk():
            if isinstance(widget, TextInput) and widget.opacity > 0 and not widget.disabled \
                    and widget.get_root_window() is not None and widget.width > 1:
                return widget
        return None

    def _check(self, state: State) -> None:
        roots = roots_to_check()
        parts = read_parts(roots)
        if state.text_size == TEXT_SIZES[0] and not state.high_contrast and not state.keyboard:
            from kiosk.ui.tour import visible_texts

            self.texts.setdefault(state.lang, {})[state.step] = visible_texts()
        # Colours do not change with the text size, so contrast is measured on the drawn
        # frame at the normal size in each contrast mode (drawing is most of a state's cost);
        # text that moves onto something else at a larger size fails the overlap rule.
        pixels = None
        if state.text_size == TEXT_SIZES[0]:
            pixels = frame_pixels()
            measure_contrast(parts, pixels)
        state.failures = layout.check(parts, Rect(0, 0, Window.width, Window.height), self.min_target,
                                      self.min_key)
        if state.keyboard:
            # The keyboard takes the room of what is under the field; Done gives it back.
            state.failures = [f for f in state.failures if f.rule != "cut-off"]
            state.failures += self._typing_field_hidden(parts)
        self.states.append(state)
        if state.failures and self.out_dir is not None:
            self._save(state, parts, pixels if pixels is not None else frame_pixels())

    @staticmethod
    def _typing_field_hidden(parts) -> list[Failure]:
        """While the keyboard is up, the field being typed in must be wholly in view."""
        for part in parts:
            if part.kind == "field" and getattr(part.widget, "focus", False):
                if part.full is not None and part.full != part.rect:
                    return [Failure("hidden-field", part.path,
                                    f"the field being typed in is partly hidden: {part.rect.rounded()} "
                                    f"of it shows, at {part.full.rounded()}", part.text[:60])]
                return []
        return [Failure("hidden-field", "", "the field being typed in is not in view")]

    def _save(self, state: State, parts, pixels) -> None:
        import cv2

        image = cv2.cvtColor(np.ascontiguousarray(pixels[::-1]), cv2.COLOR_RGB2BGR)
        height = image.shape[0]
        bad = {f.path for f in state.failures}
        for part in parts:
            if part.path in bad:
                r = part.rect
                cv2.rectangle(image, (int(r.x), int(height - r.top)), (int(r.right), int(height - r.y)),
                              (0, 0, 255), 3)
        target = self.out_dir / (state.name.replace("/", "-") + ".png")
        target.parent.mkdir(parents=True, exist_ok=True)
        cv2.imwrite(str(target), image)


def report(states: list[State], as_json: bool) -> str:
    failing = [s for s in states if s.failures]
    lines = []
    for state in failing:
        for failure in state.failures:
            text = f" \"{failure.text}\"" if failure.text else ""
            other = f" and {short(failure.other)}" if failure.other else ""
            lines.append(f"{state.name}: {failure.rule}: {short(failure.path)}{other}{text}: {failure.detail}")
    lines.append(f"checked {len(states)} states: {sum(len(s.failures) for s in failing)} failures "
                 f"in {len(failing)} states")
    if as_json:
        lines.append(json.dumps({"states": len(states), "failures": [
            dict(f.as_dict(), state=s.name, widget=short(f.path), **({"other": short(f.other)} if f.other else {}))
            for s in failing for f in s.failures]}, ensure_ascii=False))
    return "\n".join(lines)

"""Reusable touch widgets: buttons, tiles, the field-shaped text input and keyboard.

Layout and colours are in `assets/kv/widgets.kv`; behaviour is here.
"""

from __future__ import annotations

import functools

from kivy.clock import Clock
from kivy.factory import Factory
from kivy.properties import (
    BooleanProperty,
    ListProperty,
    NumericProperty,
    ObjectProperty,
    OptionProperty,
    StringProperty,
)
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.label import Label
from kivy.uix.modalview import ModalView
from kivy.uix.scrollview import ScrollView
from kivy.uix.textinput import TextInput
from kivy.uix.widget import Widget
from kivy.metrics import dp
from kivy.utils import escape_markup

from kiosk.core import keyboards
from kiosk.ui.i18n import tr
from kiosk.ui.theme import theme


def qr_code_texture(url: str):
    """A QR code for `url` as a texture (see `public_qr_texture` for the cached kind)."""
    import io

    import segno
    from kivy.core.image import Image as CoreImage

    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="png", scale=10, border=2)
    buf.seek(0)
    return CoreImage(buf, ext="png").texture


@functools.lru_cache(maxsize=256)
def public_qr_texture(url: str):
    """A QR code for a public link (never for anything personal: it is kept for the app's life)."""
    return qr_code_texture(url)


def icon_markup(name: str) -> str:
    """Kivy markup that draws one icon from the icon font."""
    return f"[font={theme.icon_font}]{theme.icon(name)}[/font]"


class KioskButton(ButtonBehavior, Label):
    """A large button with an optional icon before its label."""

    label = StringProperty("")
    icon = StringProperty("")
    keyboard_focus = BooleanProperty(False)
    least = NumericProperty(0)   # the smallest it may be each way (a touch target; a key is smaller)
    kind = OptionProperty("primary", options=["primary", "secondary", "quiet", "danger", "selected", "bar",
                                              "bar_selected"])

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.fbind("label", self._compose)
        self.fbind("icon", self._compose)
        self._compose()

    def _compose(self, *_args):
        text = escape_markup(self.label)
        if self.icon:
            text = f"{icon_markup(self.icon)}  {text}" if text else icon_markup(self.icon)
        self.text = text


class BarButton(KioskButton):
    """A control in the top bar: one line, as wide as its words, the same at every text size
    (the bar must hold all of them; the text-size control itself must stay where it is)."""


class Tile(ButtonBehavior, BoxLayout):
    """A large card that starts a journey or opens a topic."""

    icon = StringProperty("information")
    keyboard_focus = BooleanProperty(False)
    title = StringProperty("")
    summary = StringProperty("")
    item_id = StringProperty("")


class PageRow(ButtonBehavior, BoxLayout):
    """One row of a list of pages: title, one-line summary and a chevron."""

    title = StringProperty("")
    summary = StringProperty("")
    item_id = StringProperty("")
    keyboard_focus = BooleanProperty(False)


def scroll_area_of(widget):
    """The nearest list that scrolls holding `widget`, or None."""
    node = widget.parent
    while node is not None and node.parent is not node:   # the window is its own parent
        if isinstance(node, ScrollView):
            return node
        node = node.parent
    return None


class ScrollArea(ScrollView):
    """A list or page that may be longer than the screen, and shows it: a scroll bar that
    never fades, and an arrow under it while there is more below. Both sit in the list's
    right-hand margin (its child keeps `dp(18)` free there), so they never cover content.

    Holds one child, sized to its content (`size_hint_y: None`, `height: minimum_height`).
    """

    more = BooleanProperty(False)
    show_cue = BooleanProperty(True)

    def __init__(self, **kwargs):
        from kivy.effects.scroll import ScrollEffect

        kwargs.setdefault("effect_cls", ScrollEffect)   # no bounce past the ends
        super().__init__(**kwargs)
        for name in ("scroll_y", "height", "width", "show_cue"):
            self.fbind(name, self._update_more)

    def add_widget(self, widget, *args, **kwargs):
        super().add_widget(widget, *args, **kwargs)
        widget.fbind("height", self._update_more)
        self._update_more()

    def _update_more(self, *_args):
        child = self.children[0] if self.children else None
        self.more = bool(self.show_cue and child is not None and child.height > self.height + 2
                         and self.scroll_y > 0.01)


class KioskTextInput(TextInput):
    """A single-line field that only accepts what suits its kind and opens the right keyboard.

    `kind` is one of `kiosk.core.keyboards.KINDS`. Copying to the clipboard is switched off:
    the clipboard outlives a resident's session.
    """

    kind = OptionProperty("text", options=list(keyboards.KINDS))
    keyboard = ObjectProperty(None, allownone=True)
    error = BooleanProperty(False)   # the answer here needs fixing: a red border

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.multiline = self.kind == "long"   # a description wraps over several lines
        self.fbind("kind", lambda *_a: setattr(self, "multiline", self.kind == "long"))
        self.write_tab = False
        self.use_bubble = False
        self.use_handles = False
        # Taps on the on-screen keyboard must not take the focus away from the field;
        # the keyboard's Done key, another field or a new screen end the typing instead.
        self.unfocus_on_touch = False
        self.fbind("focus", self._on_focus_change)

    def insert_text(self, substring, from_undo=False):
        room = keyboards.MAX_LENGTH[self.kind] - len(self.text)
        kept = "".join(c for c in substring if keyboards.accepts(self.kind, c))
        if self.kind in ("postcode", "code"):
            kept = kept.upper()
        return super().insert_text(kept[: max(0, room)], from_undo=from_undo)

    def copy(self, data=""):
        return None

    def cut(self):
        return None

    def forget(self):
        """Clear the text and the undo history."""
        self.text = ""
        self._undo = []
        self._redo = []

    def _on_focus_change(self, _instance, focused):
        area = self._scroll_area()
        if self.keyboard is not None:
            if focused:
                self.keyboard.attach(self)
            else:
                Clock.schedule_once(lambda _dt: self.keyboard.detach(self), 0)
        if area is not None:
            # The keyboard takes room from the screen: keep the field in view as it does.
            if focused:
                area.fbind("height", self._keep_in_view)
                Clock.schedule_once(self._keep_in_view, 0.05)
            else:
                area.funbind("height", self._keep_in_view)

    def _scroll_area(self):
        return scroll_area_of(self)

    def _keep_in_view(self, *_args) -> None:
        area = self._scroll_area()
        if self.focus and area is not None and area.children and area.children[0].height > area.height:
            Clock.schedule_once(lambda _dt: area.scroll_to(self, padding=dp(8), animate=False), 0)


def label_of(field) -> Widget | None:
    """The `FieldLabel` or `FieldHint` that names `field`: the one laid out just before it, or
    just before the row that holds it."""
    widget = field
    for _level in range(2):
        parent = widget.parent
        if parent is None:
            return None
        in_order = parent.children[::-1]
        place = in_order.index(widget)
        if place > 0 and isinstance(in_order[place - 1], (Factory.FieldLabel, Factory.FieldHint)):
            return in_order[place - 1]
        widget = parent
    return None


class KeyButton(KioskButton):
    """One key of the on-screen keyboard."""

    key = StringProperty("")


class OnScreenKeyboard(BoxLayout):
    """A large-key keyboard docked at the bottom of the window, shaped by the focused field."""

    target = ObjectProperty(None, allownone=True)
    shift = BooleanProperty(False)
    cyrillic = BooleanProperty(False)
    shown = BooleanProperty(False)
    rows = ListProperty([])
    key_height = NumericProperty(0)
    full = BooleanProperty(False)        # a whole keyboard (not a number pad): the bottom bar gives way
    crowding = BooleanProperty(False)    # so tall that the top bar gives way (a dense panel)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        tr.add_listener(lambda _lang: self.rebuild())

    def attach(self, target: KioskTextInput) -> None:
        self.target = target
        self.shift = target.kind in ("text", "long") and not target.text
        self.cyrillic = tr.lang == "bg"
        self.shown = True
        self.rebuild()

    def detach(self, target: KioskTextInput) -> None:
        """The field lost focus: hide, unless another field has taken the keyboard."""
        if target is self.target and not target.focus:
            self.close()

    def close(self) -> None:
        """Hide the keyboard and end typing in its field."""
        target, self.target = self.target, None
        if target is not None and target.focus:
            target.focus = False
        if self.shown:
            self.shown = False
            self.rebuild()

    def rebuild(self) -> None:
        self.clear_widgets()
        if not self.shown or self.target is None:
            self.rows = []
            return
        self.rows = keyboards.layout(self.target.kind, tr.lang, cyrillic=self.cyrillic)
        for row in self.rows:
            line = BoxLayout(spacing=self.spacing)
            for key in row:
                line.add_widget(self._make_key(key))
            self.add_widget(line)

    def _make_key(self, key: str) -> KeyButton:
        names = {
            keyboards.SPACE: tr._("Space"),
            keyboards.DONE: tr._("Done"),
            keyboards.ALPHABET: "ABC" if self.cyrillic else "АБВ",
        }
        icons = {keyboards.BACKSPACE: "backspace", keyboards.SHIFT: "shift"}
        label = names.get(key, key.upper() if (self.shift and len(key) == 1) else key)
        button = KeyButton(key=key, label=label if key not in icons else "", icon=icons.get(key, ""))
        button.kind = "selected" if (key == keyboards.SHIFT and self.shift) else (
            "primary" if key == keyboards.DONE else "secondary")
        if key == keyboards.SPACE:
            button.size_hint_x = 4
        elif key in (keyboards.DONE, keyboards.BACKSPACE, keyboards.SHIFT) or len(key) > 1:
            button.size_hint_x = 1.6
        button.bind(on_release=self._press)
        return button

    def _press(self, button: KeyButton) -> None:
        self.press(button.key)

    def press(self, key: str) -> None:
        """Act on one key as if it were tapped."""
        target = self.target
        if target is None:
            return
        if key == keyboards.BACKSPACE:
            target.do_backspace()
        elif key == keyboards.SHIFT:
            self.shift = not self.shift
            self.rebuild()
        elif key == keyboards.ALPHABET:
            self.cyrillic = not self.cyrillic
            self.rebuild()
        elif key == keyboards.DONE:
            # Unfocus first: the field's handler may want the keyboard back (a wrong PIN).
            target.focus = False
            target.dispatch("on_text_validate")
        elif key == keyboards.SPACE:
            target.insert_text(" ")
        else:
            target.insert_text(key.upper() if self.shift else key)
            if self.shift:
                self.shift = False
                self.rebuild()


class IdleWarning(ModalView):
    """"Are you still there?" with a countdown and a way to keep going."""

    seconds_left = NumericProperty(30)
    seconds_total = NumericProperty(30)
    more_time_action = ObjectProperty(None, allownone=True)
    finish_action = ObjectProperty(None, allownone=True)


class ConfirmDialog(ModalView):
    """A yes / no question in large buttons."""

    title = StringProperty("")
    message = StringProperty("")
    yes_label = StringProperty("")
    no_label = StringProperty("")
    yes_action = ObjectProperty(None, allownone=True)


class SignaturePad(Widget):
    """A box to sign in with a finger. `strokes` are lists of (x, y) in 0..1 of the pad."""

    strokes = ListProperty([])

    def on_touch_down(self, touch):
        if not self.collide_point(*touch.pos) or self.disabled:
            return super().on_touch_down(touch)
        touch.grab(self)
        self.strokes.append([self._point(touch)])
        self._draw()
        return True

    def on_touch_move(self, touch):
        if touch.grab_current is not self:
            return super().on_touch_move(touch)
        if self.collide_point(*touch.pos):
            self.strokes[-1].append(self._point(touch))
            self._draw()
        return True

    def on_touch_up(self, touch):
        if touch.grab_current is not self:
            return super().on_touch_up(touch)
        touch.ungrab(self)
        return True

    def _point(self, touch) -> tuple[float, float]:
        return ((touch.x - self.x) / max(1, self.width), (touch.y - self.y) / max(1, self.height))

    def clear(self) -> None:
        self.strokes = []
        self._draw()

    def on_size(self, *_args):
        self._draw()

    def on_pos(self, *_args):
        self._draw()

    def _draw(self) -> None:
        from kivy.graphics import Color, Line

        self.canvas.after.clear()
        with self.canvas.after:
            Color(*theme.text)
            for stroke in self.strokes:
                if len(stroke) > 1:
                    Line(points=[c for x, y in stroke for c in (self.x + x * self.width, self.y + y * self.height)],
                         width=dp(2.5))


class ChoiceRow(ButtonBehavior, BoxLayout):
    """A large row to choose: a title and a smaller line under it (a host, a visitor)."""

    title = StringProperty("")
    detail = StringProperty("")
    item_id = StringProperty("")
    selected = BooleanProperty(False)
    toggle = BooleanProperty(False)   # ticked on and off in place (a checkbox), not a way onward
    keyboard_focus = BooleanProperty(False)


class Notice(BoxLayout):
    """A message at the top of a form. With `error` it is GOV.UK's error summary: a box with
    a red border headed "There is a problem", and the field it is about has a red border
    (`KioskTextInput.error`, set by the screen)."""

    text = StringProperty("")
    error = BooleanProperty(False)


class NextBar(BoxLayout):
    """The step's main button at the bottom right ("Next"); hidden, taking no room, while
    the keyboard is up or while the screen sets `hidden` (another choice is asked first)."""

    label = StringProperty("")
    hidden = BooleanProperty(False)
    __events__ = ("on_next",)

    def on_next(self, *_args):
        pass


class ChoiceDialog(ModalView):
    """A question with several large answers (`choices`: label, kind, action) and Cancel."""

    title = StringProperty("")
    message = StringProperty("")

    def __init__(self, choices, cancel_label: str, cancel_first: bool = False, **kwargs):
        """`cancel_first`: staying is the choice to make easy (first, and the main button)."""
        super().__init__(**kwargs)
        box = self.ids.choices
        cancel = KioskButton(label=cancel_label, kind="primary" if cancel_first else "secondary",
                             size_hint_y=None, height=theme.touch())
        cancel.bind(on_release=lambda _b: self.dismiss())
        if cancel_first:
            box.add_widget(cancel)
        for label, kind, action in choices:
            button = KioskButton(label=label, kind=kind, size_hint_y=None, height=theme.touch())
            button.bind(on_release=lambda _b, act=action: (self.dismiss(), act()))
            box.add_widget(button)
        if not cancel_first:
            box.add_widget(cancel)


class CameraPanel(FloatLayout):
    """The live camera picture with a frame to aim at, or a message when there is none."""

    texture = ObjectProperty(None, allownone=True)
    camera_text = StringProperty("")


class Collapsible(BoxLayout):
    """A part of a screen that can be folded away: when `shown` is False it takes no room,
    draws nothing and passes no touch to what it holds (a hidden or disabled widget would
    otherwise still catch touches meant for whatever lies under it)."""

    shown = BooleanProperty(True)

    def on_touch_down(self, touch):
        return super().on_touch_down(touch) if self.shown else False

    def on_touch_move(self, touch):
        return super().on_touch_move(touch) if self.shown else False

    def on_touch_up(self, touch):
        return super().on_touch_up(touch) if self.shown else False


def forget_typed(trees) -> None:
    """Forget everything typed into any field of `trees` (every screen built for this
    person, not only the one showing: nothing they typed may outlive the wipe, even in a
    screen something still holds for a moment, as Kivy's scroll-bar fades and finished
    transitions do), and every copy Kivy keeps of it."""
    from kivy.animation import Animation
    from kivy.cache import Cache
    from kivy.core.clipboard import Clipboard

    for tree in trees:
        for widget in tree.walk():
            Animation.cancel_all(widget)
            if isinstance(widget, KioskTextInput):
                widget.focus = False
                widget.forget()
    # Kivy caches rendered text by its content; drop any that held what was typed.
    for category in ("textinput.label", "textinput.width"):
        Cache.remove(category)
    try:
        Clipboard.copy("")
    except Exception:  # noqa: BLE001 - no clipboard provider on some devices
        pass

"""Moving through a screen with a physical keyboard (hub PCs, switch access).

Tab and Shift+Tab move a clearly drawn focus ring over every button, tile and field on the
screen in reading order (top to bottom, left to right); Enter or Space presses the one in
focus. Touch never shows the ring: only keyboard use does.
"""

from __future__ import annotations

from kivy.core.window import Window
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.modalview import ModalView

from kiosk.ui.widgets import KeyButton, KioskTextInput

TAB, ENTER, NUMPAD_ENTER, SPACE, ESCAPE = 9, 13, 271, 32, 27


def focusable(window=Window) -> list:
    """Buttons and fields a keyboard user can reach now, in reading order.

    While a dialog is open, only its own buttons.
    """
    roots = list(window.children)
    dialogs = [w for w in roots if isinstance(w, ModalView)]
    scope = dialogs[:1] or roots
    found = []
    for root in scope:
        for widget in root.walk(restrict=True):
            if isinstance(widget, KeyButton):
                continue
            if not isinstance(widget, (ButtonBehavior, KioskTextInput)):
                continue
            if widget.disabled or widget.opacity == 0 or widget.width < 1 or widget.height < 1:
                continue
            x, y = widget.to_window(*widget.center)
            if 0 <= x <= window.width and 0 <= y <= window.height and _shown(widget):
                found.append(widget)
    return sorted(found, key=lambda w: (-round(w.to_window(w.x, w.top)[1] / 8), w.to_window(w.x, w.y)[0]))


def _shown(widget) -> bool:
    parent = widget.parent
    while parent is not None and parent is not parent.parent:
        if getattr(parent, "opacity", 1) == 0 or getattr(parent, "disabled", False):
            return False
        parent = parent.parent
    return True


class KeyboardNavigation:
    """Keeps track of which widget has the keyboard focus ring."""

    def __init__(self) -> None:
        self.current = None

    def clear(self) -> None:
        if self.current is not None:
            try:
                self.current.keyboard_focus = False
            except ReferenceError:
                pass
        self.current = None

    def move(self, step: int) -> None:
        widgets = focusable()
        if not widgets:
            self.clear()
            return
        try:
            index = widgets.index(self.current)
        except ValueError:
            index = -1 if step > 0 else 0
        target = widgets[(index + step) % len(widgets)]
        self.clear()
        for field in widgets:
            if isinstance(field, KioskTextInput) and field.focus and field is not target:
                field.focus = False
        if isinstance(target, KioskTextInput):
            target.focus = True
        else:
            target.keyboard_focus = True
        self.current = target

    def on_key_down(self, key: int, modifiers) -> bool:
        """Handle one key press; True when it was used for navigation."""
        if key == TAB:
            self.move(-1 if "shift" in (modifiers or ()) else 1)
            return True
        current = self.current
        if current is not None and not isinstance(current, KioskTextInput) and key in (ENTER, NUMPAD_ENTER, SPACE):
            try:
                if current.get_root_window() is None:
                    self.clear()
                    return False
                current.trigger_action(0)
            except ReferenceError:
                self.clear()
            return True
        if key == ESCAPE:
            self.clear()
        return False

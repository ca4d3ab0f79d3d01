"""Widgets on their own, without the app: fields, keyboard, translator, buttons."""

import gc

from kivy.base import EventLoop
from kivy.lang import Builder
from kivy.metrics import mm

from kiosk.core import keyboards as kb
from kiosk.ui.i18n import tr
from kiosk.ui.theme import TOUCH_MM, theme
from kiosk.ui.widgets import KeyButton, KioskButton, KioskTextInput, OnScreenKeyboard


def make_field(kind):
    """A field as it is once on screen (Kivy prepares a TextInput's lines on the next frame)."""
    field = KioskTextInput(kind=kind)
    EventLoop.idle()
    return field


def keyboard_for(kind, lang="en"):
    tr.switch(lang)
    field = make_field(kind)
    keys = OnScreenKeyboard()
    field.keyboard = keys
    keys.attach(field)
    return field, keys


def press_all(keys, text):
    for char in text:
        keys.press(" " if char == " " else char) if char != " " else keys.press(kb.SPACE)


def test_postcode_field_upper_cases_and_filters():
    field = make_field("postcode")
    field.insert_text("sw1a-1aa!!!")
    assert field.text == "SW1A1AA"
    field.insert_text("xxxxxxxx")
    assert len(field.text) == kb.MAX_LENGTH["postcode"]


def test_pin_field_takes_digits_only():
    field = make_field("pin")
    field.insert_text("12ab34\n")
    assert field.text == "1234"


def test_clipboard_copy_is_disabled():
    field = make_field("text")
    field.text = "private"
    field.select_all()
    assert field.copy() is None and field.cut() is None
    assert field.text == "private"


def test_keyboard_types_shifts_and_deletes():
    field, keys = keyboard_for("text")
    assert keys.shift  # capital first letter for an empty field
    press_all(keys, "hello")
    assert field.text == "Hello"
    keys.press(kb.BACKSPACE)
    keys.press(kb.SPACE)
    keys.press("x")
    assert field.text == "Hell x"


def test_keyboard_shape_follows_the_field():
    _field, keys = keyboard_for("pin")
    assert keys.rows == kb.layout("pin", "en")
    labels = {k.key for k in keys.walk() if isinstance(k, KeyButton)}
    assert labels == {"1", "2", "3", "4", "5", "6", "7", "8", "9", "0", kb.BACKSPACE, kb.DONE}


def test_bulgarian_keyboard_switches_alphabet():
    field, keys = keyboard_for("text", "bg")
    keys.shift = False
    keys.press("ж")
    keys.press(kb.ALPHABET)
    assert "q" in {k.key for k in keys.walk() if isinstance(k, KeyButton)}
    keys.press("q")
    assert field.text == "жq"
    tr.switch("en")


def test_done_validates_and_closes():
    field, keys = keyboard_for("email")
    seen = []
    field.bind(on_text_validate=lambda *_: seen.append(field.text))
    press_all(keys, "jo@example")
    keys.press(".co.uk")
    keys.press(kb.DONE)
    assert seen == ["jo@example.co.uk"]


def test_keyboard_keys_are_big_enough():
    """Keys are at least 12 mm each way; a keyboard that fits in 45% of the window has full
    20 mm keys, a taller one shrinks its keys to fit (but not under 12 mm)."""
    from kivy.core.window import Window

    from kiosk.core.layout import KEY_MM

    _field, pad = keyboard_for("number")          # four rows: full touch targets
    assert pad.key_height == mm(TOUCH_MM)
    _field, keys = keyboard_for("text", "pl")     # six rows: they give way
    tr.switch("en")
    assert mm(KEY_MM) <= keys.key_height < mm(TOUCH_MM)
    assert keys.height <= Window.height * 0.45 + 1
    for key in (k for k in keys.walk() if isinstance(k, KeyButton)):
        assert tuple(key.size_hint_min) == (mm(KEY_MM),) * 2


def test_kv_text_follows_language_switch():
    label = Builder.load_string("Label:\n    text: tr._('Touch to start')\n")
    assert label.text == "Touch to start"
    tr.switch("pl")
    assert label.text not in ("", "Touch to start")
    tr.switch("en")
    assert label.text == "Touch to start"


def test_translator_drops_bindings_of_deleted_widgets():
    gc.collect()
    before = tr.binding_count
    widgets = [Builder.load_string("Label:\n    text: tr._('Back')\n") for _ in range(50)]
    assert tr.binding_count >= before + 50
    del widgets
    gc.collect()
    assert tr.binding_count <= before + 1


def test_button_label_escapes_markup():
    button = KioskButton(label="[b]not bold[/b]", icon="search")
    assert "&bl;b&br;not bold" in button.text
    assert theme.icon_font in button.text


def test_a_toggle_row_is_a_checkbox_and_a_choice_row_a_way_onward():
    """Ticking something on and off must not look like moving on: a toggle has a square box
    (ticked when chosen) and no arrow; a row that moves on has the arrow and no box."""
    from kivy.uix.label import Label

    from kiosk.ui.theme import ICONS
    from kiosk.ui.widgets import ChoiceRow

    def marks(row):
        EventLoop.idle()
        shown = [w for w in row.children if isinstance(w, Label) and w.width > 0 and w.opacity > 0]
        return ["box" if w.size[0] == w.size[1] else "arrow" for w in shown], " ".join(w.text for w in shown)

    onward = ChoiceRow(title="Council Tax")
    assert marks(onward)[0] == ["arrow"] and ICONS["next"] in marks(onward)[1]
    toggle = ChoiceRow(title="Email", toggle=True)
    assert marks(toggle)[0] == ["box"] and ICONS["check"] not in marks(toggle)[1]
    toggle.selected = True
    assert marks(toggle)[0] == ["box"] and ICONS["check"] in marks(toggle)[1] and ICONS["next"] not in marks(toggle)[1]

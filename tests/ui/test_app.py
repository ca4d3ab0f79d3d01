"""The whole kiosk driven by taps, as a resident, a passer-by and a volunteer would use it."""

import gc
import json

from kivy.cache import Cache
from kivy.core.window import Window
from kivy.uix.textinput import TextInput

from kiosk.core.idle import IdleMonitor
from kiosk.ui.i18n import tr
from kiosk.ui.theme import theme
from kiosk.ui.widgets import IdleWarning, KeyButton, KioskButton, KioskTextInput, PageRow


def start(kiosk):
    kiosk.tap_at(Window.width / 2, Window.height / 2)
    assert kiosk.screen == "home"


def test_touch_anywhere_starts(kiosk):
    start(kiosk)
    assert kiosk.app.idle.armed


def test_language_button_on_attract_starts_in_that_language(kiosk):
    polski = [b for b in kiosk.visible(KioskButton) if b.label.startswith("Polski\n")][0]
    kiosk.tap(polski)
    assert kiosk.screen == "home" and tr.lang == "pl"
    assert kiosk.tile(tr._("Find information")).title != "Find information"


def test_browse_to_a_page_with_a_qr_code_and_back(kiosk):
    start(kiosk)
    kiosk.tap(kiosk.tile("Find information"))
    assert kiosk.screen == "info_topics"
    kiosk.tap(kiosk.tile("Bins and recycling"))
    assert kiosk.screen == "info_topic"
    kiosk.tap(kiosk.tile("Book a bulky waste collection"))
    assert kiosk.screen == "info_page"
    page = kiosk.app.sm.current_screen
    assert page.title == "Book a bulky waste collection"
    assert page.url == "https://www.riverside.example/bulky-waste"
    assert page.qr_texture is not None and page.qr_texture.width > 100
    kiosk.tap(kiosk.button("Back"))
    assert kiosk.screen == "info_topic"
    kiosk.tap(kiosk.button("Home"))
    assert kiosk.screen == "home"


def test_search_by_typing_on_the_on_screen_keyboard(kiosk):
    start(kiosk)
    kiosk.tap(kiosk.tile("Find information"))
    field = kiosk.app.sm.current_screen.ids.query
    kiosk.tap(field)
    assert field.focus and kiosk.app.keyboard.shown
    assert {"q", "w", "e"} <= {k.key for k in kiosk.visible(KeyButton)}
    kiosk.type("Sofa")
    assert field.text == "Sofa"
    kiosk.tap([k for k in kiosk.visible(KeyButton) if k.key == "done"][0])
    assert kiosk.screen == "info_results"
    assert not kiosk.app.keyboard.shown
    rows = [r.title for r in kiosk.visible(PageRow)]
    assert rows[0] == "Book a bulky waste collection"


def test_search_with_nothing_found_says_what_to_do(kiosk):
    start(kiosk)
    kiosk.app.open_journey("information")
    kiosk.app.info.search("qqqzzz")
    kiosk.settle()
    screen = kiosk.app.sm.current_screen
    assert screen.count == 0
    assert kiosk.visible(PageRow) == []
    assert any("We could not find a page" in getattr(w, "text", "") for w in kiosk.widgets())


def test_empty_search_stays_put(kiosk):
    start(kiosk)
    kiosk.tap(kiosk.tile("Find information"))
    kiosk.tap(kiosk.button("Search"))
    assert kiosk.screen == "info_topics"


def test_language_switch_rerenders_the_current_screen(kiosk):
    start(kiosk)
    kiosk.tap(kiosk.tile("Find information"))
    kiosk.tap(kiosk.tile("Housing"))
    kiosk.tap(kiosk.button("Română"))
    assert tr.lang == "ro"
    assert kiosk.screen == "info_topic"
    assert kiosk.app.sm.current_screen.title == kiosk.app.content.text("ro", "housing").title
    assert kiosk.button(tr._("Back"))  # bars re-rendered
    assert tr._("Back") != "Back"


def test_text_size_and_contrast_buttons(kiosk):
    start(kiosk)
    kiosk.tap(kiosk.button("Text size"))
    assert theme.scale > 1
    kiosk.tap(kiosk.button("Contrast"))
    assert theme.high_contrast and tuple(theme.bg[:3]) == (0, 0, 0)
    kiosk.tap(kiosk.button("Finish"))
    assert theme.scale == 1 and not theme.high_contrast  # the next person starts afresh


def walk_for(secret):
    """Every place in the window, the caches and live text inputs where `secret` still is."""
    found = []
    for root in list(Window.children):
        for widget in root.walk(restrict=True):
            for name in widget.properties():
                if name in ("padding_x", "padding_y"):  # deprecated aliases of padding
                    continue
                try:
                    value = getattr(widget, name)
                except Exception:
                    continue
                if secret in repr(value):
                    found.append((type(widget).__name__, name))
            for name, value in vars(widget).items():
                if secret in repr(value):
                    found.append((type(widget).__name__, name))
    gc.collect()
    for obj in gc.get_objects():
        try:
            if isinstance(obj, TextInput) and (secret in obj.text or secret in repr(getattr(obj, "_lines", ""))):
                found.append(("live TextInput", obj.text))
        except ReferenceError:  # a weak proxy whose widget is already gone
            continue
    for category in ("textinput.label", "textinput.width"):
        if secret in repr(Cache._objects.get(category, {})):
            found.append(("cache", category))
    return found


def test_idle_warning_then_wipe_leaves_nothing_typed(kiosk):
    app = kiosk.app
    # The warning comes after 4 s without a touch: room for a slow key tap on a busy machine.
    app.idle = IdleMonitor(timeout=6, warning=2)
    start(kiosk)
    kiosk.tap(kiosk.tile("Find information"))
    field = app.sm.current_screen.ids.query
    kiosk.tap(field)
    kiosk.type("Zebra")
    scratch = app.session.tmp_dir
    (scratch / "scan.png").write_bytes(b"not really")
    assert walk_for("Zebra")
    kiosk.wait(4.6)
    assert [w for w in Window.children if isinstance(w, IdleWarning)], "the warning shows first"
    kiosk.wait(2.2)
    kiosk.settle()
    assert kiosk.screen == "attract"
    assert walk_for("Zebra") == []
    assert not scratch.exists()
    assert app.wipes >= 1


def test_i_need_more_time_keeps_the_session(kiosk):
    app = kiosk.app
    app.idle = IdleMonitor(timeout=3, warning=2)
    start(kiosk)
    kiosk.tap(kiosk.tile("Find information"))
    kiosk.wait(1.3)
    warning = [w for w in Window.children if isinstance(w, IdleWarning)]
    assert warning and 1 <= warning[0].seconds_left <= 2
    more = [b for b in warning[0].walk() if isinstance(b, KioskButton) and b.label == "I need more time"][0]
    kiosk.tap(more)
    assert not [w for w in Window.children if isinstance(w, IdleWarning)]
    kiosk.wait(0.5)
    assert kiosk.screen == "info_topics"


def test_a_stray_touch_during_the_warning_does_not_extend(kiosk):
    app = kiosk.app
    app.idle = IdleMonitor(timeout=3, warning=2)
    start(kiosk)
    kiosk.wait(1.3)
    kiosk.tap_at(5, Window.height / 2)  # on the dimmed background, not on the dialog
    kiosk.wait(2.0)
    kiosk.settle()
    assert kiosk.screen == "attract"


def test_finish_button_wipes_at_once(kiosk):
    start(kiosk)
    kiosk.tap(kiosk.tile("Find information"))
    kiosk.tap(kiosk.app.sm.current_screen.ids.query)
    kiosk.type("Secret")
    assert not [b for b in kiosk.visible(KioskButton) if b.label == "Finish"]  # keyboard has the room
    kiosk.tap([k for k in kiosk.visible(KeyButton) if k.key == "done"][0])
    assert kiosk.screen == "info_results" and walk_for("Secret")
    kiosk.tap(kiosk.button("Finish"))
    assert kiosk.screen == "attract"
    assert walk_for("Secret") == []


def open_pin(kiosk):
    kiosk.tap(kiosk.button("Staff"))
    assert kiosk.screen == "staff_pin"
    assert kiosk.app.keyboard.shown and kiosk.app.keyboard.target.kind == "pin"


def enter_pin(kiosk, pin):
    kiosk.type(pin)
    kiosk.tap([k for k in kiosk.visible(KeyButton) if k.key == "done"][0])


def test_wrong_pins_count_down_then_lock_out(kiosk):
    open_pin(kiosk)
    enter_pin(kiosk, "0000")
    screen = kiosk.app.sm.current_screen
    assert screen.error and screen.message == "That PIN is not right. 4 tries left."
    for _ in range(4):
        enter_pin(kiosk, "0000")
    assert screen.message == "Too many wrong tries. Please wait 5 minutes and try again."
    enter_pin(kiosk, "1357")
    assert kiosk.screen == "staff_pin"  # locked even for the right PIN
    assert "1357" not in kiosk.app.pin_gate.state_file.read_text()


def test_empty_pin_gets_a_hint(kiosk):
    open_pin(kiosk)
    kiosk.tap(kiosk.button("Unlock"))
    assert kiosk.app.sm.current_screen.message == "Type your PIN, then touch Unlock."


def test_staff_panel_changes_persist(kiosk):
    open_pin(kiosk)
    enter_pin(kiosk, "1357")
    assert kiosk.screen == "staff_panel"
    status = [w.text for w in kiosk.app.sm.current_screen.ids.status.children]
    assert "Riverside Central Library" in status and "this device still uses the demo PIN" in status
    panel = kiosk.app.sm.current_screen
    kiosk.tap(kiosk.button("Lietuvių", within=panel.ids.languages))
    assert tr.lang == "en"  # the starting language changes, not this screen's
    kiosk.tap(kiosk.button("Largest", within=panel.ids.sizes))
    saved = json.loads((kiosk.app.data_dir / "settings.json").read_text())
    assert saved == {"language": "lt", "text_size": "largest", "high_contrast": False}
    assert theme.text_size == "largest"
    kiosk.tap(kiosk.button("Close staff panel"))
    assert kiosk.screen == "attract" and tr.lang == "lt"  # the new starting language


def test_exit_kiosk_mode_asks_first(kiosk):
    open_pin(kiosk)
    enter_pin(kiosk, "1357")
    kiosk.tap(kiosk.button("Exit kiosk mode"))
    cancel = kiosk.button("Cancel")
    assert kiosk.button("Exit")
    kiosk.tap(cancel)
    assert kiosk.screen == "staff_panel"


def test_back_from_pin_screen_returns_to_attract(kiosk):
    open_pin(kiosk)
    kiosk.tap(kiosk.button("Back"))
    assert kiosk.screen == "attract"
    assert not [w for w in kiosk.visible(KioskTextInput) if w.focus]


def press_key(key, modifiers=()):
    Window.dispatch("on_key_down", key, 0, None, list(modifiers))


def test_tab_and_enter_work_without_touch(kiosk):
    start(kiosk)
    app = kiosk.app
    press_key(9)
    first = app.keynav.current
    assert first is not None and first.keyboard_focus
    order = [first]
    for _ in range(12):
        press_key(9)
        order.append(app.keynav.current)
    labels = [getattr(w, "label", getattr(w, "title", "")) for w in order]
    assert labels[:5] == ["English", "Polski", "Română", "Lietuvių", "Български"]  # reading order
    assert "Find information" in labels
    while getattr(app.keynav.current, "title", "") != "Find information":
        press_key(9)
    press_key(13)
    kiosk.settle()
    assert kiosk.screen == "info_topics"
    press_key(9, ["shift"])
    assert app.keynav.current is not None
    kiosk.tap_at(Window.width / 2, 5)  # a touch hides the ring
    assert app.keynav.current is None


def test_tab_stays_inside_an_open_dialog(kiosk):
    open_pin(kiosk)
    enter_pin(kiosk, "1357")
    kiosk.tap(kiosk.button("Exit kiosk mode"))
    seen = set()
    for _ in range(4):
        press_key(9)
        seen.add(kiosk.app.keynav.current.label)
    assert seen == {"Cancel", "Exit"}
    while kiosk.app.keynav.current.label != "Cancel":
        press_key(9)
    press_key(32)
    kiosk.settle()
    assert kiosk.screen == "staff_panel" and not [w for w in Window.children if type(w).__name__ == "ConfirmDialog"]


def test_wipes_leave_no_old_screens_behind(kiosk):
    """Each wipe builds fresh screens; the old ones must be freed, not pile up (a binding
    from something long-lived to a screen would keep its whole tree alive)."""
    import gc

    from kiosk.ui.screens import KioskScreen

    def visit_and_wipe():
        kiosk.tap_at(640, 400)
        for name in ("visit_vehicle", "visit_photo", "visit_rules", "info_topics", "staff_panel"):
            kiosk.app.sm.get_screen(name)  # built, as a visitor passing through would
        kiosk.app.finish()
        kiosk.wait(0.5)
        kiosk.frames(len(kiosk.app.sm.factories) + 5)  # the background rebuild finishes

    def is_screen(obj) -> bool:
        try:
            return isinstance(obj, KioskScreen)
        except ReferenceError:  # a weak proxy whose widget is already gone
            return False

    def screens_alive() -> int:
        gc.collect()
        return sum(is_screen(o) for o in gc.get_objects())

    visit_and_wipe()
    before = screens_alive()
    for _ in range(4):
        visit_and_wipe()
    assert screens_alive() <= before

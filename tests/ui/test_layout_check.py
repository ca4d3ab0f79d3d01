"""The layout check (kiosk.ui.layout_check) on the real window: it finds each kind of fault in a
layout built to have it, passes a clean one, and passes every screen of the kiosk in every
language, text size and contrast mode (`python -m kiosk layout-check`)."""

import json

import pytest
from kivy.core.window import Window
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.label import Label
from kivy.graphics import Color, Rectangle

from kiosk.core.layout import Rect, check
from kiosk.ui.layout_check import frame_pixels, measure_contrast, read_parts
from kiosk.ui.widgets import KioskButton, ScrollArea


def _faults(kiosk, root):
    """The rules broken by `root`, shown alone on the window."""
    Window.add_widget(root)
    try:
        kiosk.frames(6)
        parts = read_parts([root])
        measure_contrast(parts, frame_pixels())
        return check(parts, Rect(0, 0, Window.width, Window.height), 76)
    finally:
        Window.remove_widget(root)


def _board():
    root = FloatLayout(size=Window.size)
    with root.canvas.before:
        Color(1, 1, 1, 1)
        Rectangle(pos=(0, 0), size=Window.size)
    return root


def _label(text, pos, size, **kw):
    return Label(text=text, pos=pos, size=size, size_hint=(None, None), color=(0, 0, 0, 1), **kw)


def test_a_clean_layout_passes(kiosk):
    root = _board()
    root.add_widget(_label("A heading", (40, 600), (600, 80)))
    root.add_widget(KioskButton(label="Next", pos=(40, 100), size=(300, 100), size_hint=(None, None)))
    assert _faults(kiosk, root) == []


def test_each_fault_is_found(kiosk):
    root = _board()
    root.add_widget(_label("Overlapping one", (40, 600), (400, 80)))
    root.add_widget(_label("Overlapping two", (300, 620), (400, 80)))
    root.add_widget(_label("Faint words", (40, 400), (300, 60), ))
    root.children[0].color = (0.85, 0.85, 0.85, 1)
    root.add_widget(_label("Past the edge", (1200, 300), (300, 60)))
    root.add_widget(_label("A sentence far too long for its little box", (40, 200), (120, 30),
                           text_size=(120, 30)))
    root.add_widget(_label("Неразделимо", (600, 200), (60, 200), text_size=(60, None)))
    root.add_widget(KioskButton(label="Go", pos=(900, 60), size=(50, 50), size_hint=(None, None)))
    found = {(f.rule, f.text.split(" / ")[0]) for f in _faults(kiosk, root)}
    assert ("overlap", "Overlapping one") in found or ("overlap", "Overlapping two") in found
    assert ("contrast", "Faint words") in found
    assert ("off-screen", "Past the edge") in found
    assert ("clipped", "A sentence far too long for its little box") in found
    assert ("clipped", "Неразделимо") in found      # broken in the middle of the word
    assert ("small-target", "Go") in found


def test_a_faint_boundary_fails_and_the_themes_border_passes(kiosk):
    from kiosk.ui.theme import theme

    def faults():
        root = _board()
        root.add_widget(KioskButton(label="Maybe", kind="secondary", pos=(40, 300), size=(500, 100),
                                    size_hint=(None, None)))
        return [f.rule for f in _faults(kiosk, root)]

    assert faults() == []
    kept = theme.border
    theme.border = "#C5CED8"     # the pale border the kiosk once had: 1.6:1 on white
    try:
        assert faults() == ["boundary"]
    finally:
        theme.border = kept


def test_a_list_that_scrolls_may_hide_its_rows_but_a_screen_may_not(kiosk):
    from kivy.uix.boxlayout import BoxLayout
    from kivy.uix.stencilview import StencilView

    root = _board()
    area = ScrollArea(pos=(40, 100), size=(600, 300), size_hint=(None, None))
    rows = BoxLayout(orientation="vertical", size_hint_y=None, height=1200)
    for i in range(10):
        rows.add_widget(KioskButton(label=f"Row {i}", kind="secondary"))
    area.add_widget(rows)
    root.add_widget(area)
    assert [f.rule for f in _faults(kiosk, root)] == []

    root = _board()
    box = StencilView(pos=(700, 100), size=(400, 200), size_hint=(None, None))
    box.add_widget(KioskButton(label="Half hidden", pos=(700, 250), size=(300, 100), size_hint=(None, None)))
    root.add_widget(box)
    assert ("cut-off", "Half hidden") in {(f.rule, f.text) for f in _faults(kiosk, root)}


@pytest.mark.timeout(1500)
def test_every_screen_passes_in_every_language_size_and_contrast():
    """The full matrix, as `python -m kiosk layout-check --json` runs it (started when the
    tests were collected, in its own process: see tests/conftest.py)."""
    from tests.conftest import layout_check_run

    stdout, out, returncode = layout_check_run()
    summary = json.loads(stdout.strip().splitlines()[-1])
    failures = "\n".join(stdout.splitlines()[:-2][:40])
    assert summary["failures"] == [], (f"{len(summary['failures'])} failures (PNGs in {out / 'failures'}):"
                                       f"\n{failures}")
    assert returncode == 0
    # 5 languages x every tour step x 3 text sizes x 2 contrast modes, and again with the
    # keyboard open on each screen with a field.
    from kiosk.ui.tour import STEPS

    assert summary["states"] >= 5 * len(STEPS) * 6

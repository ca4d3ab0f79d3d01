"""The layout rules on plain rectangles and colours (kiosk.core.layout), and the theme's colours."""

import pytest

from kiosk.core.layout import Part, Rect, check, contrast, display_dpi, hex_colour, pixels_per_mm

SCREEN = Rect(0, 0, 1280, 800)
TARGET = 76  # 20 mm at 96 dpi


def rules(parts):
    return sorted(f.rule for f in check(parts, SCREEN, TARGET))


def test_contrast_matches_wcag_reference_values():
    assert contrast((0, 0, 0), (1, 1, 1)) == pytest.approx(21)
    assert contrast(hex_colour("#767676"), (1, 1, 1)) == pytest.approx(4.54, abs=0.01)  # the lightest AA grey
    assert contrast(hex_colour("#FFFFFF"), hex_colour("#FFFFFF")) == pytest.approx(1)


def test_a_panels_real_density_from_its_diagonal():
    assert display_dpi(1280, 800, 10.1) == pytest.approx(149.4, abs=0.1)
    # 20 mm on that panel is 118 pixels, not the 76 that 96 dpi would give.
    assert 20 * pixels_per_mm(display_dpi(1280, 800, 10.1)) == pytest.approx(117.6, abs=0.1)


def test_a_clean_layout_passes():
    parts = [Part("/title", Rect(40, 700, 600, 60), "text", "Hello"),
             Part("/next", Rect(40, 40, 300, 80), "control", "Next", touchable=True,
                  text_contrast=7.0, boundary_contrast=6.0)]
    assert rules(parts) == []


def test_overlapping_parts_fail_but_a_label_inside_its_button_does_not():
    title = Part("/a", Rect(40, 600, 600, 100), "text", "Title")
    button = Part("/b", Rect(300, 650, 300, 100), "control", "Go", touchable=True)
    assert rules([title, button]) == ["overlap"]
    inner = Part("/b/label", Rect(310, 660, 200, 40), "text", "Go", ancestors=("/b",))
    assert rules([button, inner]) == []
    guide = Part("/guide", Rect(300, 650, 100, 50), "text", "Move closer", overlay=True)
    assert rules([button, guide]) == []


def test_touching_edges_are_not_an_overlap():
    assert rules([Part("/a", Rect(0, 0, 100, 100)), Part("/b", Rect(100, 0, 100, 100))]) == []


def test_text_outside_its_button_off_screen_and_cut_off_fail():
    inner = Part("/b/l", Rect(10, 10, 400, 40), "text", "Long words", container=Rect(0, 0, 200, 80),
                 container_path="/b")
    assert rules([inner]) == ["overflow"]
    assert rules([Part("/x", Rect(1200, 10, 200, 40))]) == ["off-screen"]
    assert rules([Part("/y", Rect(10, 10, 200, 40), cut=True)]) == ["cut-off"]


def test_small_targets_fail_by_their_whole_size_not_the_part_a_list_shows():
    assert rules([Part("/k", Rect(0, 0, 60, 100), "control", touchable=True)]) == ["small-target"]
    half_scrolled = Part("/t", Rect(0, 0, 300, 30), "control", touchable=True, full=Rect(0, -70, 300, 100),
                         scrolls=True)
    assert rules([half_scrolled]) == []


def test_faint_text_and_faint_boundaries_fail():
    assert rules([Part("/t", Rect(0, 0, 100, 40), text_contrast=4.4)]) == ["contrast"]
    assert rules([Part("/f", Rect(0, 0, 300, 80), "field", boundary_contrast=1.47)]) == ["boundary"]
    assert rules([Part("/f", Rect(0, 0, 300, 80), "field", boundary_contrast=3.0)]) == []


def test_the_themes_meet_wcag_contrast():
    """Text 4.5:1 on every background it sits on, boundaries and the focus ring 3:1."""
    from kiosk.ui.theme import HIGH_CONTRAST, STANDARD

    for colours in (STANDARD, HIGH_CONTRAST):
        c = {k: hex_colour(v) for k, v in colours.items()}
        for back in ("bg", "surface", "accent"):
            assert contrast(c["text"], c[back]) >= 4.5
            assert contrast(c["muted"], c[back]) >= 4.5
            assert contrast(c["placeholder"], c[back]) >= 4.5
            assert contrast(c["border"], c[back]) >= 3
            assert contrast(c["focus_edge"], c[back]) >= 3
        assert contrast(c["primary_text"], c["primary"]) >= 4.5
        assert contrast(c["danger_text"], c["danger"]) >= 4.5
        assert contrast(c["bar_text"], c["bar"]) >= 4.5
        assert contrast(c["primary"], c["bg"]) >= 3
        # A field's example text is readable, yet not the colour of typed text (in high
        # contrast it used to be the same white).
        assert contrast(c["placeholder"], c["text"]) >= 1.5

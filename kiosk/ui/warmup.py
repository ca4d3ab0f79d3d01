"""Paying the first-time costs while the attract screen waits, so the first resident's
screen changes stay smooth."""

from __future__ import annotations

import gc

from kivy.uix.label import Label

from kiosk.core.content import parse_body
from kiosk.ui.i18n import tr
from kiosk.ui.theme import ICONS
from kiosk.ui.widgets import PageRow, Tile, icon_markup, public_qr_texture


def warm_up(app) -> None:
    """Build each kind of journey widget once: the first of each (its kv rule, its fonts)
    costs a long frame. Then freeze what exists, which lives as long as the app, out of
    every later collection."""
    from kiosk.ui.screens import BodyBlock

    for bold in (False, True):  # the icon font and bold text
        Label(text="".join(icon_markup(name) for name in ICONS) + " Aa", markup=True,
              bold=bold, font_size="54sp").texture_update()
    pack = app.content
    page = next(iter(pack.pages))
    text = pack.text(tr.lang, page)
    widgets = [Tile(title=text.title, summary=text.summary, icon="information"),
               PageRow(title=text.title, summary=text.summary)]
    widgets += [BodyBlock(kind=b.kind, text=b.text) for b in parse_body(text.body)]
    public_qr_texture(pack.pages[page].url)
    for widget in widgets:
        for label in widget.walk():
            if isinstance(label, Label):
                label.texture_update()
    # Frozen objects are never collected, so no journey screen may exist yet: a screen
    # frozen here would keep what its first user typed after the wipe. The screens are
    # built in the background only from now on.
    gc.collect()
    if set(app.sm.screen_names) <= {"attract"}:   # nobody has started a journey yet
        gc.freeze()


def collect_if_waiting(app) -> None:
    """After a wipe, while the attract screen still waits: collect the old screens, and read
    a new gazetteer or set of report categories if one has arrived (a borough's gazetteer
    takes about a second to read and index, bench/gazetteer.py)."""
    if app.sm.current == "attract" and not app.sm.transition.is_active:
        gc.collect()
        app.signup.gazetteer()
        app.report.categories()

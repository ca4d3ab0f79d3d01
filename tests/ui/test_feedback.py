"""The feedback question after a completed journey, driven under Xvfb to the answer at a
real central: never in the way (one Finish), kind about an empty Send, anonymous."""

from __future__ import annotations

import sqlite3

from kivy.core.window import Window

from kiosk.ui.widgets import KioskButton


def answers(kiosk) -> int:
    """Feedback records queued by this kiosk so far (sent ones stay listed as acknowledged)."""
    return kiosk.app.sync.outbox.db.execute("SELECT COUNT(*) FROM outbox WHERE kind = 'feedback'").fetchone()[0]


def read_a_page(kiosk) -> None:
    kiosk.tap_at(Window.width / 2, Window.height / 2)
    kiosk.tap(kiosk.tile("Find information"))
    kiosk.app.info.choose_topic("bins")
    kiosk.until_still()
    kiosk.app.info.open_page("which-bin")
    kiosk.until_still()
    assert kiosk.screen == "info_page"


def test_an_answer_reaches_central_and_the_kiosk_clears(kiosk, office):
    read_a_page(kiosk)
    kiosk.tap(kiosk.button("Finish"))
    assert kiosk.screen == "feedback"
    kiosk.until_still()
    screen = kiosk.app.sm.current_screen
    assert screen.step == "found" and kiosk.button("Yes") and kiosk.button("No")   # one question at a time
    # Only the ways out that differ: no Back before the first question, no Home beside Finish.
    shown = [b.label for b in kiosk.visible(KioskButton)]
    assert "Back" not in shown and "Home" not in shown and shown.count("Finish") == 1 and "No thanks" not in shown
    kiosk.tap(kiosk.button("Skip this question"))
    kiosk.tap(kiosk.button("Skip this question"))
    assert screen.step == "comment"
    kiosk.tap(kiosk.button("Back"))
    kiosk.tap(kiosk.button("Back"))
    assert screen.step == "found" and "Back" not in [b.label for b in kiosk.visible(KioskButton)]
    kiosk.tap(kiosk.button("Yes"))
    assert screen.step == "stars"
    kiosk.tap(kiosk.button("4"))
    assert screen.step == "comment"
    kiosk.tap(screen.ids.comment)
    kiosk.type("Clear and quick")
    kiosk.app.keyboard.close()
    kiosk.settle()
    before = answers(kiosk)
    send = kiosk.button("Send")
    kiosk.tap(send)
    assert screen.thanked
    kiosk.tap(send)                                     # the question is gone: a second tap sends nothing
    assert answers(kiosk) == before + 1
    kiosk.until(lambda: kiosk.screen == "attract", 10, what="the wipe after the thank-you")
    kiosk.app.sync.worker.nudge()

    def arrived():
        with sqlite3.connect(office.data / "central.db") as db:
            return db.execute("SELECT journey, found, stars, comment FROM feedback WHERE comment = ?",
                              ["Clear and quick"]).fetchall() == [("information", 1, 4, "Clear and quick")]

    kiosk.until(arrived, 20, what="the answer at central")


def test_finish_leaves_at_once_with_nothing_sent(kiosk):
    before = answers(kiosk)
    read_a_page(kiosk)
    kiosk.tap(kiosk.button("Finish"))
    kiosk.until_still()
    kiosk.tap(kiosk.button("Finish"))                  # Finish on the question itself
    assert kiosk.screen == "attract"
    read_a_page(kiosk)
    kiosk.tap(kiosk.button("Finish"))
    kiosk.until_still()
    kiosk.tap(kiosk.button("Skip this question"))
    kiosk.tap(kiosk.button("Skip this question"))
    kiosk.tap(kiosk.button("Send"))                    # every question skipped: leaves, no record,
    assert kiosk.screen == "attract"                   # and no message asking for an answer
    assert answers(kiosk) == before


def test_no_question_when_nothing_was_done(kiosk):
    kiosk.tap_at(Window.width / 2, Window.height / 2)
    kiosk.tap(kiosk.tile("Find information"))
    kiosk.tap(kiosk.button("Finish"))
    assert kiosk.screen == "attract"

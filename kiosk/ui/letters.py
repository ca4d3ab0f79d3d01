"""Talking letters on the kiosk: a letter's QR code held to the camera (or the letter
chosen from a list) opens its guide in the resident's language, and a letter that asks for
proof goes straight on to scanning it, for that service, with the reference filled in.

The guides are reference data (`letter-guides`), so this works offline once a kiosk has
them. The letter's reference is held only for the hand-over to the documents journey and
forgotten at the wipe.
"""

from __future__ import annotations

import logging

from kiosk.core.letters import Guide, Guides, letter_code
from kiosk.ui.camera import CameraFeed
from kiosk.ui.flow import JourneyFlow

log = logging.getLogger("kiosk.letters")


def _(message: str) -> str:
    return message


NOT_A_LETTER = _("That code is not from one of our letters. Please choose the letter from the list.")


class LetterFlow(JourneyFlow):
    name = "letters"
    prefix = "lt_"
    screens = {"start": "LtStartScreen", "guide": "LtGuideScreen"}

    def __init__(self, app) -> None:
        super().__init__(app)
        self.camera = CameraFeed(app.device_config.camera.source)
        self._built: tuple | None = None
        self.reset()

    def reset(self) -> None:
        super().reset()
        self.camera.stop()
        self.guide: Guide | None = None
        self.reference = ""     # from the letter's code, for "send the documents"

    def guides(self) -> Guides:
        refs = getattr(self.app.sync, "references", None)
        try:
            data = refs.get("letter-guides") if refs is not None else None
        except Exception as exc:  # noqa: BLE001 - unreadable reference data: journey not offered
            log.warning("letter guides unreadable: %s", type(exc).__name__)
            data = None
        if self._built is None or self._built[0] is not data:
            self._built = (data, Guides.from_reference(data))
        return self._built[1]

    def start(self) -> None:
        self.reset()
        self.show("start")

    def back(self) -> bool:
        if self.step == "guide":
            self.guide, self.reference = None, ""
            return self.back_to("start")
        return False

    @property
    def completed(self) -> bool:
        return self.guide is not None

    def start_camera(self) -> None:
        def scanned(text: str) -> None:
            found = letter_code(text)
            guide = self.guides().get(found.letter) if found else None
            if guide is None:
                self.say(NOT_A_LETTER)
                return
            self.open(guide.letter, found.reference)

        self.camera.start(on_code=scanned)

    def stop_camera(self) -> None:
        self.camera.stop()

    def open(self, letter: str, reference: str = "") -> None:
        guide = self.guides().get(letter)
        if guide is None:
            return
        self.camera.stop()
        self.guide, self.reference = guide, reference
        self.show("guide")

    def send_documents(self) -> None:
        """On to scanning what the letter asks for: its service chosen, its reference filled in."""
        if self.guide is None or self.guide.documents is None:
            return
        purpose, reference = self.guide.documents, self.reference
        self.app.open_journey("documents")
        self.app.documents.for_letter(purpose, reference)

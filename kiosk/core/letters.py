"""Talking letters, as plain Python: which letter a QR code is from, and its guide in the
resident's language (the `letter-guides` reference document central publishes).

    >>> letter_code("HKR1:CT:50012345:CTBILL")
    LetterCode(service='council-tax', reference='50012345', letter='CTBILL')
    >>> letter_code("HKR1:CT:50012345") is None, letter_code("https://example.org") is None
    (True, True)

A code without a letter type is a reference alone (the documents journey reads those);
here the resident then chooses the letter from the list.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.core.documents.claim import reference_from_code

SERVICES = {"CT": "council-tax", "HB": "housing-benefit", "HR": "housing-register", "WS": "waste"}


@dataclass(frozen=True)
class LetterCode:
    service: str
    reference: str
    letter: str


def letter_code(text: str) -> LetterCode | None:
    """`HKR1:<service>:<reference>:<letter>` read from a letter's QR code, or None."""
    parts = (text or "").strip().split(":")
    if len(parts) != 4 or parts[0].upper() != "HKR1" or not parts[3].strip():
        return None
    service = SERVICES.get(parts[1].strip().upper())
    if service is None:
        return None
    purpose = service if service in ("council-tax", "housing-benefit", "housing-register") else "other"
    reference = reference_from_code(f"HKR1:{parts[1]}:{parts[2]}", purpose) or ""
    return LetterCode(service, reference, parts[3].strip().upper())


def _words(texts, lang: str) -> str:
    if isinstance(texts, dict):
        return str(texts.get(lang) or texts.get("en") or "")
    return str(texts or "")


@dataclass(frozen=True)
class Guide:
    letter: str
    service: str
    documents: str | None      # the documents journey's purpose for "send the documents", if any
    texts: dict                # title, what, when, help: {language: words}; todo: a list of them

    def text(self, field: str, lang: str) -> str:
        return _words(self.texts.get(field), lang)

    def steps(self, lang: str) -> list[str]:
        return [_words(step, lang) for step in self.texts.get("todo", [])]


@dataclass(frozen=True)
class Guides:
    guides: tuple[Guide, ...] = ()

    @classmethod
    def from_reference(cls, data: dict | None) -> "Guides":
        found = []
        for g in (data or {}).get("guides", []) or []:
            if not isinstance(g, dict) or not g.get("letter") or not isinstance(g.get("title"), dict):
                continue
            purpose = g.get("documents")
            found.append(Guide(str(g["letter"]).upper(), str(g.get("service") or ""),
                               purpose if purpose in ("council-tax", "housing-benefit", "housing-register") else None,
                               {k: g.get(k) for k in ("title", "what", "when", "help", "todo")}))
        return cls(tuple(found))

    def __len__(self) -> int:
        return len(self.guides)

    def get(self, letter: str) -> Guide | None:
        return next((g for g in self.guides if g.letter == (letter or "").upper()), None)

"""The talking-letter guides central publishes: every guide the council's letters need, in
all five languages, signed, made again only when their words change."""

from __future__ import annotations

from sync.protocol import API, SignedDocument
from sync.reference import check

from central import letter_guides
from kiosk.core.letters import Guides, letter_code

from .conftest import enrol

NEEDED = {"CTBILL", "CTREM", "HBDEC", "HBOVP", "EVID", "HRBAND", "WASTE"}


def test_every_guide_in_every_language_signed_and_stable(client, app, monkeypatch):
    device = enrol(client, app)
    doc = SignedDocument.model_validate(client.get(f"{API}/reference/letter-guides", headers=device.auth).json())
    check(doc, device.signing_key)
    guides = Guides.from_reference(doc.data)
    assert {g.letter for g in guides.guides} == NEEDED
    for guide in guides.guides:
        for field in ("title", "what", "when", "help"):
            words = {lang: guide.text(field, lang) for lang in ("en", "pl", "ro", "lt", "bg")}
            assert all(words.values()) and len(set(words.values())) == 5, (guide.letter, field, words)
        assert len({tuple(guide.steps(lang)) for lang in ("en", "pl", "ro", "lt", "bg")}) == 5
    # asking for proof: on to the documents journey for the right service
    assert {g.letter: g.documents for g in guides.guides if g.documents} == {
        "EVID": "housing-benefit", "HRBAND": "housing-register"}
    again = SignedDocument.model_validate(client.get(f"{API}/reference/letter-guides", headers=device.auth).json())
    assert again.version == doc.version   # the same words: no new version
    changed = [dict(g) for g in letter_guides.GUIDES]
    changed[0] = {**changed[0], "when": "The first payment is due on the 1st."}
    monkeypatch.setattr(letter_guides, "GUIDES", changed)
    newer = SignedDocument.model_validate(client.get(f"{API}/reference/letter-guides", headers=device.auth).json())
    assert newer.version == doc.version + 1
    assert Guides.from_reference(newer.data).get("CTBILL").text("when", "pl") == "The first payment is due on the 1st."


def test_a_letters_code_names_its_service_reference_and_letter():
    assert letter_code("HKR1:HR:123456:HRBAND").reference == "HR123456"
    assert letter_code("HKR1:XX:123456:HRBAND") is None and letter_code("HKR1:CT:50012345:") is None
    assert letter_code("hkr1:ct:5001 2345:ctbill").letter == "CTBILL"

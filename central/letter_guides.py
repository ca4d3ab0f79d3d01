"""Talking letters: plain-language guides to the council's letters, published for kiosks as
the signed `letter-guides` document (reference data, like the report categories).

A council letter's QR code says which letter it is: `HKR1:<service>:<reference>:<letter>`
(the kiosk has always read `HKR1:<service>:<reference>`; the fourth part is the letter
type, one of the `letter` codes below). Held up to a kiosk, it opens that letter's guide in
the resident's language: what the letter is, what to do, by when, where to get help, and,
for a letter that asks for proof, "Send the documents this letter asks for" with the
reference filled in.

Central signs them again whenever their words change (`publish_if_changed`, run before a
kiosk pulls them), so a release's new or corrected words reach kiosks at their next sync.

Each guide's words are English here, marked for central's catalogues (`msgctxt
"resident"`, checked by scripts/i18n.py like every resident page), and go out in all five
languages. Keep them short and plain: residents read them standing, often worried.
"""

from __future__ import annotations

from central import pages
from central.publishing import publish

DOCUMENT = "letter-guides"
_ = pages.mark
HELP = _("Call us on the number at the top of your letter, or ask a member of staff or a volunteer here. "
         "They can go through the letter with you.")

GUIDES: list[dict] = [
    {"letter": "CTBILL", "service": "council-tax", "documents": None,
     "title": _("Council Tax bill"),
     "what": _("This is your Council Tax bill for the year. It shows how much you pay, and the date of each "
               "payment."),
     "todo": [_("Check your name, address and the band are right."),
              _("Pay each amount by its date, or set up a Direct Debit online."),
              _("If you live alone, or money is tight, ask about a discount or Council Tax Support.")],
     "when": _("The first payment date is on the letter. Most people pay in 10 monthly amounts."),
     "help": HELP},
    {"letter": "CTREM", "service": "council-tax", "documents": None,
     "title": _("Council Tax reminder"),
     "what": _("A payment has not reached us. This reminder tells you how much is late."),
     "todo": [_("Pay the late amount now, online, by phone or at a Post Office."),
              _("If you cannot pay, contact us straight away: we can agree a plan."),
              _("If you have paid in the last few days, you do not need to do anything.")],
     "when": _("Within 7 days of the date on the letter. If not, you may lose the right to pay monthly."),
     "help": HELP},
    {"letter": "HBDEC", "service": "housing-benefit", "documents": None,
     "title": _("Housing Benefit decision"),
     "what": _("This letter tells you whether you get Housing Benefit, how much, and how we worked it out."),
     "todo": [_("Check the income, savings and people in your home that we used."),
              _("Tell us if anything is wrong or has changed."),
              _("If you think the decision is wrong, you can ask us to look at it again.")],
     "when": _("To ask us to look again, write to us within one month of the date on the letter."),
     "help": HELP},
    {"letter": "HBOVP", "service": "housing-benefit", "documents": None,
     "title": _("Housing Benefit overpayment"),
     "what": _("We paid you more Housing Benefit than you were due. The letter says how much, the dates, and why."),
     "todo": [_("Check the dates and the reason."),
              _("Contact us to agree how to pay it back. We can take small amounts over time."),
              _("If you think it is wrong, you can ask us to look at it again.")],
     "when": _("Within one month of the date on the letter."),
     "help": HELP},
    {"letter": "EVID", "service": "housing-benefit", "documents": "housing-benefit",
     "title": _("Request for evidence"),
     "what": _("We need proof before we can work out your benefit. The letter lists what we need."),
     "todo": [_("Find the documents the letter lists, such as payslips or bank statements."),
              _("Send them: you can scan them at this kiosk now."),
              _("Keep your receipt number.")],
     "when": _("Within one month of the date on the letter, or your claim may stop."),
     "help": HELP},
    {"letter": "HRBAND", "service": "housing-register", "documents": "housing-register",
     "title": _("Housing register band decision"),
     "what": _("This letter tells you which band you are in on the housing register. The band shows how urgent "
               "your need for a home is."),
     "todo": [_("Check that what we know about your home and your family is right."),
              _("If things have changed, send us proof: you can scan it at this kiosk."),
              _("If you think the band is wrong, you can ask for a review.")],
     "when": _("To ask for a review, within 21 days of the date on the letter."),
     "help": HELP},
    {"letter": "WASTE", "service": "waste", "documents": None,
     "title": _("Missed bin or bulky waste collection"),
     "what": _("This confirms a report of a missed bin, or a bulky waste collection you booked."),
     "todo": [_("Leave the bin or items out where the letter says, by 7am on the day."),
              _("Keep the reference in case you need to contact us.")],
     "when": _("The collection day is on the letter."),
     "help": HELP},
]


def _languages(text: str) -> dict[str, str]:
    return {lang: pages.gettext(lang, text) for lang in pages.LANGUAGES}


def document() -> dict:
    """The guides as kiosks get them: each text as {language: words}."""
    out = []
    for guide in GUIDES:
        out.append({"letter": guide["letter"], "service": guide["service"], "documents": guide["documents"],
                    **{key: _languages(guide[key]) for key in ("title", "what", "when", "help")},
                    "todo": [_languages(step) for step in guide["todo"]]})
    return {"guides": out}


def publish_if_changed(engine, keys) -> bool:
    """Sign a new `letter-guides` when the built-in guides (or their translations) differ
    from the version kiosks have: done before each kiosk's pull of it, so a release's new
    words reach kiosks at their next sync; a read, and a write only when it changed."""
    import json

    from sqlalchemy import select

    from central import db as tables

    data = document()

    def current(conn) -> bool:
        row = conn.execute(select(tables.reference.c.document).where(tables.reference.c.name == DOCUMENT)).first()
        return row is not None and json.loads(row.document)["data"] == data

    with engine.connect() as conn:
        if current(conn):
            return False
    with tables.begin(engine) as conn:
        if current(conn):
            return False
        publish(conn, keys, DOCUMENT, data)
    return True

"""The emails My Account sends: English here (`EN`), the other languages in gettext
catalogues beside the kiosk's (central/translations/<lang>/LC_MESSAGES/central.po).

    >>> subject, body = render("activate", "pl", council="Riverside Borough Council", name="Jo",
    ...                        site="Riverside Library", reference="ACC-4HJX-2M7Q",
    ...                        link="https://x/account/activate/t", reset_link="https://x/account/reset")
    >>> "https://x/account/activate/t" in body and "In English" in body
    True

Every email in another language is followed by the English original: the words on the
council's letters are English, and a resident who asks someone for help can show them.
An unknown language gets English alone.
"""

from __future__ import annotations

from pathlib import Path

DAYS = 7

EN = {
    "greeting": "Hello {name},",
    "greeting_plain": "Hello,",
    "never": "We will never ask you for your password, by phone, by email or in person.",
    "activate_subject": "Finish setting up your {council} account",
    "activate": (
        "{greeting}\n\n"
        "You asked for a {council} account at {site} (kiosk reference {reference}).\n\n"
        "To finish, choose your password on your own phone, tablet or computer:\n\n"
        "{link}\n\n"
        "This link works for {days} days and can be used once. If it has run out, ask for a new one "
        "here: {reset_link}\n\n"
        "{never}\n\n"
        "If you did not ask for an account, you can ignore this email: nothing happens unless the "
        "link is used."),
    "existing_subject": "You already have a {council} account",
    "existing": (
        "{greeting}\n\n"
        "Someone asked for a new {council} account with this email address at {site} (kiosk "
        "reference {reference}). There is already an account with this address, so we have not "
        "made another one.\n\n"
        "If you have forgotten your password, or never finished setting up your account, get a "
        "new link here:\n\n"
        "{reset_link}\n\n"
        "{never}\n\n"
        "If this was not you, you can ignore this email: nothing has changed."),
    "reset_subject": "Choose a new password for your {council} account",
    "reset": (
        "{greeting}\n\n"
        "Someone asked to reset the password of your {council} account. To choose a new "
        "password, open this link:\n\n"
        "{link}\n\n"
        "This link works for {days} days and can be used once.\n\n"
        "{never}\n\n"
        "If this was not you, you can ignore this email: your password has not changed."),
    "changed_subject": "Your {council} account password was changed",
    "changed": (
        "{greeting}\n\n"
        "The password of your {council} account has just been changed.\n\n"
        "If this was you, there is nothing more to do.\n\n"
        "If it was not you, choose a new password straight away here:\n\n"
        "{reset_link}\n\n"
        "{never}"),
}

def _translated(language: str) -> dict:
    """`EN`'s texts in `language`, from central/translations/<language>/LC_MESSAGES/central.po
    (msgctxt `email.<key>`, msgid the English text). A text missing, fuzzy or no longer
    matching the English stays English."""
    from babel.messages.pofile import read_po

    path = TRANSLATIONS / language / "LC_MESSAGES" / "central.po"
    with path.open("rb") as fh:
        catalogue = read_po(fh, locale=language)
    words = dict(EN)
    for message in catalogue:
        key = (message.context or "").removeprefix("email.")
        if message.id and key in EN and message.id == EN[key] and message.string and not message.fuzzy:
            words[key] = message.string
    return words


TRANSLATIONS = Path(__file__).resolve().parent / "translations"
TRANSLATED = ("pl", "ro", "lt", "bg")
LANGUAGES = {"en": EN, **{language: _translated(language) for language in TRANSLATED}}
TEMPLATES = ("activate", "existing", "reset", "changed")


def render(template: str, language: str, *, council: str, name: str = "", site: str = "",
           reference: str = "", link: str = "", reset_link: str = "") -> tuple[str, str]:
    """(subject, body) of `template` in `language`, English appended; English alone if unknown."""
    values = dict(council=council, site=site or council, reference=reference, link=link,
                  reset_link=reset_link, days=DAYS)
    subject, body = _fill(LANGUAGES.get(language, EN), template, name, values)
    if language in LANGUAGES and language != "en":
        _subject, english = _fill(EN, template, name, values)
        body = f"{body}\n\n---\nIn English:\n\n{english}"
    return subject, body + "\n"


def _fill(words: dict, template: str, name: str, values: dict) -> tuple[str, str]:
    greeting = words["greeting"].format(name=name) if name else words["greeting_plain"]
    body = words[template].format(greeting=greeting, never=words["never"], **values)
    return words[f"{template}_subject"].format(**values), body

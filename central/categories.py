"""The council's report categories: what residents can report at a kiosk, each with its
Open311 service code, the kiosk icon that shows it and its own extra questions.

`DEFAULT_CATEGORIES` is the council's list as one Python structure. Every name, hint and
label is a mapping of language code to text, so adding a language means adding keys
beside `"en"`; a kiosk shows the resident's language and falls back to English.

    python -m central categories --data DIR [--file council.json] [--public-url URL]

publishes them as the signed `report-categories` document (docs/residents.md). A council's
own file has the same shape (`{"categories": [...]}`) and is checked by `validate`, which
names the exact place of the first problem.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from central.category_texts import texts
from central.publishing import publish

DOCUMENT = "report-categories"
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8765"
# Glyphs the kiosk has for categories: a category may use only these.
ICONS = ("trash", "car", "poster", "spray", "litter", "dog", "bin", "tree", "grass", "light", "road",
         "marking", "noise", "smoke")
KINDS = ("choice", "yes_no", "text")
RESERVED_CODES = {"kiosk_reference", "uprn"}  # central adds these Open311 attributes itself


class CategoriesError(ValueError):
    """A categories list that kiosks could not use; the message says where and why."""


def _q(code: str, kind: str, label: str, required: bool = True, options: list[tuple[str, str]] = ()) -> dict:
    """One question; its texts get the translations in central/category_texts.py beside "en"."""
    question = {"code": code, "kind": kind, "required": required, "label": texts(label)}
    if kind == "choice":
        question["options"] = [{"value": value, "label": texts(text)} for value, text in options]
    return question


def _c(code: str, service_code: str, icon: str, name: str, hint: str, questions: list[dict]) -> dict:
    return {"code": code, "service_code": service_code, "icon": icon, "name": texts(name),
            "hint": texts(hint), "questions": questions}


DEFAULT_CATEGORIES: list[dict] = [
    _c("fly-tipping", "FLYTIP", "trash", "Fly tipping", "Rubbish dumped on a street, verge or open land", [
        _q("amount", "choice", "How much is there?", options=[
            ("bag", "One or two bags"), ("car", "A car boot load"), ("van", "A van load or more")]),
        _q("hazardous", "yes_no", "Could it be dangerous (needles, asbestos, chemicals)?")]),
    _c("abandoned-vehicle", "ABANDVEH", "car", "Abandoned vehicle",
       "A vehicle that looks left for good: untaxed, damaged or not moved for weeks", [
        _q("registration", "text", "What is the registration number, if you can see it?", required=False),
        _q("how-long", "choice", "How long has it been there?", options=[
            ("days", "A few days"), ("weeks", "A few weeks"), ("months", "Months or more"),
            ("unknown", "I don't know")]),
        _q("burnt-out", "yes_no", "Is it burnt out or badly damaged?")]),
    _c("fly-posting", "FLYPOST", "poster", "Fly posting", "Posters or stickers put up without permission", [
        _q("count", "choice", "How many are there?", options=[
            ("one", "One or two"), ("several", "Several"), ("many", "Lots, covering a wall or a structure")])]),
    _c("graffiti", "GRAFFITI", "spray", "Graffiti", "Paint or marker on walls, bridges, signs or street furniture", [
        _q("offensive", "yes_no", "Is it offensive or racist?"),
        _q("surface", "choice", "Where is it?", options=[
            ("council", "On a council building, sign or bench"), ("private", "On a private wall or property"),
            ("other", "Somewhere else")])]),
    _c("litter", "LITTER", "litter", "Litter", "Litter on a street, path or park that needs clearing", [
        _q("where", "choice", "Where is it?", options=[
            ("street", "Street or pavement"), ("park", "Park or green space"), ("bin", "Around an overflowing bin")])]),
    _c("dog-fouling", "DOGFOUL", "dog", "Dog fouling", "Dog mess on a pavement, path or play area", [
        _q("play-area", "yes_no", "Is it in or near a children's play area?"),
        _q("regular", "yes_no", "Does this happen often here?", required=False)]),
    _c("missed-bin", "MISSEDBIN", "bin", "Missed bin collection", "Your bin was out on time but not emptied", [
        _q("bin", "choice", "Which bin was missed?", options=[
            ("general", "General waste"), ("recycling", "Recycling"), ("garden", "Garden waste"),
            ("food", "Food waste")]),
        _q("out-by-7", "yes_no", "Was the bin out by 7am on collection day?")]),
    _c("overgrown-vegetation", "OVERGROWN", "tree", "Overgrown trees or vegetation",
       "Branches, hedges or weeds blocking a path, road, sign or street light", [
        _q("blocking", "choice", "What is it blocking?", options=[
            ("path", "A pavement or path"), ("road", "A road or sight line"), ("sign", "A sign or street light")]),
        _q("fallen", "yes_no", "Has a tree or large branch fallen?")]),
    _c("grass-cutting", "GRASSCUT", "grass", "Grass cutting", "Council grass verges or open spaces that need cutting", [
        _q("where", "choice", "Where is the grass?", options=[
            ("verge", "A roadside verge"), ("park", "A park or open space"), ("estate", "A housing estate")])]),
    _c("street-light", "STREETLIGHT", "light", "Street lights", "A street light that is out, flickering or damaged", [
        _q("fault", "choice", "What is wrong?", options=[
            ("out", "It is out"), ("flickering", "It flickers"), ("day", "It is on during the day"),
            ("damaged", "It is damaged or leaning")]),
        _q("column-number", "text", "What number is on the lamp post, if you can see it?", required=False),
        _q("exposed-wires", "yes_no", "Can you see any wires or open panels?")]),
    _c("pothole", "POTHOLE", "road", "Potholes", "A hole or broken surface in a road or pavement", [
        _q("surface", "choice", "Where is it?", options=[
            ("road", "In the road"), ("pavement", "On the pavement"), ("cycle", "In a cycle lane")]),
        _q("size", "choice", "How big is it?", options=[
            ("small", "Smaller than a dinner plate"), ("medium", "About the size of a dustbin lid"),
            ("large", "Bigger than that")])]),
    _c("road-markings", "ROADMARK", "marking", "Road markings", "Road lines or markings that are worn or missing", [
        _q("marking", "choice", "Which marking?", options=[
            ("lines", "Lines along the road"), ("crossing", "A crossing"),
            ("parking", "Parking bays or yellow lines"), ("other", "Something else")])]),
    _c("noise", "NOISE", "noise", "Noise", "Loud music, parties, alarms or building work that keep going", [
        _q("source", "choice", "What is the noise?", options=[
            ("music", "Music or voices"), ("alarm", "An alarm"), ("building", "Building work"),
            ("animal", "An animal"), ("other", "Something else")]),
        _q("now", "yes_no", "Is it happening now?"),
        _q("times", "text", "When does it usually happen?", required=False)]),
    _c("pollution", "POLLUTION", "smoke", "Pollution", "Smoke, bad smells, or something spilt into water or onto land", [
        _q("kind", "choice", "What kind?", options=[
            ("smoke", "Smoke or bonfire"), ("smell", "A bad smell"), ("water", "In a river or drain"),
            ("land", "Spilt onto land")]),
        _q("now", "yes_no", "Is it happening now?")]),
]

_SLUG = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")  # whole strings only (fullmatch): as sync.payloads.Slug
_SERVICE_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,39}")  # as sync.payloads.ServiceCode
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")


def _texts(value, where: str, longest: int) -> None:
    """A language -> text mapping with English in it."""
    if not isinstance(value, dict) or "en" not in value:
        raise CategoriesError(f'{where}: must be an object with at least "en", e.g. {{"en": "..."}}')
    for lang, text in value.items():
        if not _LANGUAGE.match(lang):
            raise CategoriesError(f"{where}: {lang!r} is not a language code (two or three lower-case letters)")
        if not isinstance(text, str) or not text.strip() or len(text) > longest:
            raise CategoriesError(f"{where}.{lang}: must be text of 1 to {longest} characters")


def _keys(item: dict, where: str, required: set[str], optional: set[str] = frozenset()) -> None:
    if not isinstance(item, dict):
        raise CategoriesError(f"{where}: must be an object")
    missing, unknown = required - item.keys(), item.keys() - required - optional
    if missing:
        raise CategoriesError(f"{where}: missing {', '.join(sorted(missing))}")
    if unknown:
        raise CategoriesError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")


def _question(q, where: str) -> None:
    _keys(q, where, {"code", "kind", "label"}, {"required", "options"})
    if not isinstance(q["code"], str) or not _SLUG.fullmatch(q["code"]) or q["code"] in RESERVED_CODES:
        raise CategoriesError(f"{where}.code: must be lower-case letters, digits and - (not kiosk_reference)")
    if q["kind"] not in KINDS:
        raise CategoriesError(f"{where}.kind: must be one of {', '.join(KINDS)}")
    if not isinstance(q.get("required", True), bool):
        raise CategoriesError(f"{where}.required: must be true or false")
    _texts(q["label"], f"{where}.label", 200)
    if q["kind"] != "choice":
        if "options" in q:
            raise CategoriesError(f"{where}.options: only choice questions have options")
        return
    options = q.get("options")
    if not isinstance(options, list) or not 2 <= len(options) <= 12:
        raise CategoriesError(f"{where}.options: a choice question needs 2 to 12 options")
    values = set()
    for j, option in enumerate(options):
        _keys(option, f"{where}.options[{j}]", {"value", "label"})
        if not isinstance(option["value"], str) or not _SLUG.fullmatch(option["value"]) or option["value"] in values:
            raise CategoriesError(f"{where}.options[{j}].value: must be a unique code (lower-case, digits, -)")
        values.add(option["value"])
        _texts(option["label"], f"{where}.options[{j}].label", 120)


def validate(data) -> list[dict]:
    """The categories of `data` (`{"categories": [...]}` or the bare list), checked.

    Raises CategoriesError naming the first problem, e.g. `categories[3].icon: ...`."""
    categories = data.get("categories") if isinstance(data, dict) else data
    if not isinstance(categories, list) or not categories:
        raise CategoriesError('categories: expected {"categories": [ ... ]} with at least one category')
    codes, service_codes = set(), set()
    for i, cat in enumerate(categories):
        where = f"categories[{i}]"
        _keys(cat, where, {"code", "service_code", "icon", "name", "questions"}, {"hint"})
        if not isinstance(cat["code"], str) or not _SLUG.fullmatch(cat["code"]) or cat["code"] in codes:
            raise CategoriesError(f"{where}.code: must be a unique code (lower-case letters, digits, -)")
        codes.add(cat["code"])
        if not isinstance(cat["service_code"], str) or not _SERVICE_CODE.fullmatch(cat["service_code"]):
            raise CategoriesError(f"{where}.service_code: must be the Open311 service code (letters, digits, _ . : -)")
        if cat["service_code"] in service_codes:
            raise CategoriesError(f"{where}.service_code: {cat['service_code']} is used twice")
        service_codes.add(cat["service_code"])
        if cat["icon"] not in ICONS:
            raise CategoriesError(f"{where}.icon: must be one of {', '.join(ICONS)}")
        _texts(cat["name"], f"{where}.name", 80)
        if "hint" in cat:
            _texts(cat["hint"], f"{where}.hint", 160)
        if not isinstance(cat["questions"], list) or len(cat["questions"]) > 6:
            raise CategoriesError(f"{where}.questions: must be a list of at most 6 questions")
        seen = set()
        for j, question in enumerate(cat["questions"]):
            _question(question, f"{where}.questions[{j}]")
            if question["code"] in seen:
                raise CategoriesError(f"{where}.questions[{j}].code: {question['code']} is used twice")
            seen.add(question["code"])
    return categories


def read_file(path: Path) -> list[dict]:
    """A council's categories file, checked (CategoriesError says what to fix)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        raise CategoriesError(f"{path} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    return validate(data)


def public_url(option: str | None = None) -> str:
    """Where residents reach central from outside: HUBKIOSK_PUBLIC_URL, else the option."""
    return (os.environ.get("HUBKIOSK_PUBLIC_URL") or option or DEFAULT_PUBLIC_URL).rstrip("/")


def document(categories: list[dict], base_url: str) -> dict:
    """The `report-categories` data: the categories and where residents track a report."""
    return {"track_url": f"{base_url.rstrip('/')}/track/{{reference}}", "categories": categories}


def publish_categories(conn, keys, categories: list[dict] | None = None, base_url: str | None = None):
    """Check and publish `categories` (the default list if None); returns the signed document."""
    checked = validate({"categories": categories if categories is not None else DEFAULT_CATEGORIES})
    return publish(conn, keys, DOCUMENT, document(checked, base_url or public_url()))


def by_code(data: dict | None) -> dict[str, dict]:
    """Categories of a published `report-categories` document by code."""
    categories = (data or {}).get("categories") or []
    return {c["code"]: c for c in categories if isinstance(c, dict) and "code" in c}


def english(texts) -> str:
    """The English text of a language mapping (or any text there is)."""
    if isinstance(texts, dict):
        return str(texts.get("en") or next(iter(texts.values()), ""))
    return str(texts or "")

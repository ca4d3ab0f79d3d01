"""The offline content pack behind "Find information".

A pack is a folder with `pack.toml` (topics, pages, links and the version) and
`text/<lang>.toml` (the words, per language). It ships in `assets/content/`, so the pages
work with no connection; central can later send a newer pack.

    >>> pack = ContentPack.load()
    >>> [t.id for t in pack.topics][:2]
    ['bins', 'housing']
    >>> pack.text("en", "which-bin").title
    'What goes in which bin'
    >>> pack.search("en", "sofa")[0].id
    'bulky-waste'
"""

from __future__ import annotations

import difflib
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from kiosk.core import KioskError
from kiosk.core.i18n import LANGUAGES, SOURCE_LANGUAGE


class ContentError(KioskError):
    """The content pack is missing, malformed or incomplete."""


@dataclass(frozen=True)
class Topic:
    id: str
    icon: str
    pages: tuple[str, ...]


@dataclass(frozen=True)
class Page:
    id: str
    url: str


@dataclass(frozen=True)
class Text:
    title: str
    summary: str
    body: str = ""
    link_label: str = ""
    keywords: str = ""


@dataclass(frozen=True)
class Block:
    """One rendered piece of a page body: a heading, a paragraph or a bullet point."""

    kind: str  # "heading" | "paragraph" | "bullet"
    text: str


def parse_body(body: str) -> list[Block]:
    """Split the light markup of a page body into blocks."""
    blocks: list[Block] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            blocks.append(Block("paragraph", " ".join(paragraph)))
            paragraph.clear()

    for raw in body.strip().splitlines():
        line = raw.strip()
        if not line:
            flush()
        elif line.startswith("## "):
            flush()
            blocks.append(Block("heading", line[3:].strip()))
        elif line.startswith("- "):
            flush()
            blocks.append(Block("bullet", line[2:].strip()))
        else:
            paragraph.append(line)
    flush()
    return blocks


def fold(text: str) -> str:
    """Lower-case and strip accents, so "podatek" finds "Podatek" and "sa" finds "să"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_WORD = re.compile(r"\w+", re.UNICODE)


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


class ContentPack:
    """Topics, pages and their texts in every language."""

    def __init__(self, version: str, updated: str, topics: list[Topic], pages: dict[str, Page],
                 texts: dict[str, dict[str, Text]]) -> None:
        self.version = version
        self.updated = updated
        self.topics = topics
        self.pages = pages
        self._texts = texts
        self._index: dict[str, list[tuple[str, list[tuple[set[str], int]]]]] = {}

    @classmethod
    def load(cls, directory: Path | None = None) -> "ContentPack":
        from kiosk.core.paths import CONTENT_DIR

        directory = Path(directory or CONTENT_DIR)
        try:
            meta = tomllib.loads((directory / "pack.toml").read_text(encoding="utf-8"))
            topics = [Topic(t["id"], t.get("icon", t["id"]), tuple(t["pages"])) for t in meta["topics"]]
            pages = {p["id"]: Page(p["id"], p["url"]) for p in meta["pages"]}
            version, updated = str(meta["pack"]["version"]), str(meta["pack"]["updated"])
        except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError) as exc:
            raise ContentError(f"content pack in {directory} is unreadable: {exc}") from None
        texts: dict[str, dict[str, Text]] = {}
        for lang in LANGUAGES:
            path = directory / "text" / f"{lang}.toml"
            if not path.exists():
                continue
            try:
                raw = tomllib.loads(path.read_text(encoding="utf-8"))
                entries = {key: Text(**value) for key, value in raw.get("topics", {}).items()}
                entries.update({key: Text(**value) for key, value in raw.get("pages", {}).items()})
            except (OSError, tomllib.TOMLDecodeError, TypeError) as exc:
                raise ContentError(f"{path} is unreadable: {exc}") from None
            texts[lang] = entries
        pack = cls(version, updated, topics, pages, texts)
        missing = pack.problems(SOURCE_LANGUAGE)
        if missing:
            raise ContentError("content pack is incomplete: " + "; ".join(missing))
        return pack

    @property
    def languages(self) -> list[str]:
        return list(self._texts)

    def topic(self, topic_id: str) -> Topic:
        for topic in self.topics:
            if topic.id == topic_id:
                return topic
        raise KeyError(topic_id)

    def topic_of(self, page_id: str) -> Topic:
        for topic in self.topics:
            if page_id in topic.pages:
                return topic
        raise KeyError(page_id)

    def text(self, lang: str, item_id: str) -> Text:
        """The words for a topic or page, in `lang`, falling back to English."""
        entries = self._texts.get(lang) or self._texts[SOURCE_LANGUAGE]
        return entries.get(item_id) or self._texts[SOURCE_LANGUAGE][item_id]

    def problems(self, lang: str) -> list[str]:
        """Everything missing or left untranslated for `lang` (empty when complete)."""
        found: list[str] = []
        entries = self._texts.get(lang)
        if entries is None:
            return [f"no texts for {lang}"]
        for topic in self.topics:
            for page_id in topic.pages:
                if page_id not in self.pages:
                    found.append(f"topic {topic.id} lists unknown page {page_id}")
        ids = [t.id for t in self.topics] + list(self.pages)
        source = self._texts.get(SOURCE_LANGUAGE, {})
        for item_id in ids:
            text = entries.get(item_id)
            if text is None or not text.title.strip() or not text.summary.strip():
                found.append(f"{lang}: {item_id} has no title or summary")
                continue
            if item_id in self.pages and not (text.body.strip() and text.link_label.strip()):
                found.append(f"{lang}: {item_id} has no body or link label")
            original = source.get(item_id)
            if lang != SOURCE_LANGUAGE and original is not None:
                for field in ("title", "summary", "body", "link_label"):
                    if getattr(text, field).strip() and getattr(text, field) == getattr(original, field):
                        found.append(f"{lang}: {item_id}.{field} is still in English")
                if [b.kind for b in parse_body(text.body)] != [b.kind for b in parse_body(original.body)]:
                    found.append(f"{lang}: {item_id}.body has different headings or bullets from English")
        return found

    def _page_index(self, lang: str) -> list[tuple[str, list[tuple[set[str], int]]]]:
        if lang not in self._index:
            index = []
            for page_id in self.pages:
                fields: list[tuple[set[str], int]] = []
                for code, factor in ((lang, 1.0), (SOURCE_LANGUAGE, 0.5)):
                    t = self.text(code, page_id)
                    fields += [
                        (set(words(t.title)), int(6 * factor)),
                        (set(words(t.keywords)), int(5 * factor)),
                        (set(words(t.summary)), int(4 * factor)),
                        (set(words(t.body)), int(2 * factor)),
                    ]
                index.append((page_id, fields))
            self._index[lang] = index
        return self._index[lang]

    def search(self, lang: str, query: str, limit: int = 6) -> list[Page]:
        """Pages matching `query`, best first. Forgiving: accents, word starts, small typos."""
        terms = [w for w in words(query) if len(w) >= 2][:8]
        if not terms:
            return []
        scored = []
        for page_id, fields in self._page_index(lang):
            score = 0.0
            for term in terms:
                best = 0.0
                for vocab, weight in fields:
                    if term in vocab:
                        best = max(best, weight)
                    elif len(term) >= 3 and any(w.startswith(term) for w in vocab):
                        best = max(best, weight * 0.8)
                    elif len(term) >= 4 and difflib.get_close_matches(term, vocab, n=1, cutoff=0.8):
                        best = max(best, weight * 0.6)
                score += best
            if score:
                scored.append((-score, page_id))
        scored.sort()
        # Drop weak matches far below the best, so one stray word does not list every page.
        cutoff = scored[0][0] * 0.4 if scored else 0
        return [self.pages[page_id] for score, page_id in scored[:limit] if score <= cutoff]

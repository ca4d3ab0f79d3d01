"""The offline content pack: complete in every language, readable, searchable."""

import shutil

import pytest

from kiosk.core.content import ContentError, ContentPack, fold, parse_body
from kiosk.core.i18n import LANGUAGES


def test_topics_cover_what_residents_ask_about(pack):
    assert [t.id for t in pack.topics] == ["bins", "housing", "council-tax", "changes", "places"]
    assert set(pack.pages) == {p for t in pack.topics for p in t.pages}
    for page in pack.pages.values():
        assert page.url.startswith("https://")


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_every_language_is_complete_and_translated(pack, lang):
    assert pack.problems(lang) == []


def test_body_markup():
    blocks = parse_body("Intro line\ncontinues.\n\n## Heading\n- one\n- two\n\nEnd.")
    assert [(b.kind, b.text) for b in blocks] == [
        ("paragraph", "Intro line continues."),
        ("heading", "Heading"),
        ("bullet", "one"),
        ("bullet", "two"),
        ("paragraph", "End."),
    ]


@pytest.mark.parametrize(
    "lang, query, first",
    [
        ("en", "sofa", "bulky-waste"),
        ("en", "Bulky", "bulky-waste"),
        ("en", "libary hours", "hubs-and-libraries"),  # typo
        ("en", "homeless", "housing-register"),
        ("en", "direct debit", "council-tax-pay"),
        ("en", "single person discount", "council-tax-discounts"),
        ("en", "moving house", "change-of-circumstances"),
        ("pl", "kanapa", "bulky-waste"),
        ("pl", "biblioteka", "hubs-and-libraries"),
        ("ro", "biblioteca", "hubs-and-libraries"),
        ("bg", "мебели", "bulky-waste"),
        ("pl", "council tax", "council-tax-pay"),  # English words on letters still work
    ],
)
def test_search_finds_the_right_page(pack, lang, query, first):
    found = [p.id for p in pack.search(lang, query)]
    assert found and found[0] == first or first in found[:2], found


def test_search_ignores_accents(pack):
    with_accents = [p.id for p in pack.search("ro", "bibliotecă")]
    without = [p.id for p in pack.search("ro", "biblioteca")]
    assert with_accents[:1] == without[:1]
    assert fold("Ștrand Ąę") == "strand ae"


@pytest.mark.parametrize("query", ["", "   ", "!!!", "a", "xqzw", "'; DROP TABLE pages; --", "🙂" * 50, "x" * 10000])
def test_search_never_fails(pack, query):
    assert isinstance(pack.search("en", query), list)


def test_missing_pack_is_a_clear_error(tmp_path):
    with pytest.raises(ContentError, match="unreadable"):
        ContentPack.load(tmp_path)


def test_topic_listing_unknown_page_is_caught(tmp_path):
    from kiosk.core.paths import CONTENT_DIR

    shutil.copytree(CONTENT_DIR, tmp_path / "pack")
    meta = tmp_path / "pack" / "pack.toml"
    meta.write_text(meta.read_text().replace('pages = ["which-bin", "bulky-waste"]', 'pages = ["which-bin", "ghost"]'))
    with pytest.raises(ContentError, match="unknown page ghost"):
        ContentPack.load(tmp_path / "pack")


def test_untranslated_text_is_reported(tmp_path):
    from kiosk.core.paths import CONTENT_DIR

    shutil.copytree(CONTENT_DIR, tmp_path / "pack")
    english = (tmp_path / "pack" / "text" / "en.toml").read_text()
    (tmp_path / "pack" / "text" / "pl.toml").write_text(english)
    problems = ContentPack.load(tmp_path / "pack").problems("pl")
    assert "pl: which-bin.title is still in English" in problems

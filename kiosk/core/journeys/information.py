"""The "Find information" journey: browse topics or search, read a page, carry on by phone.

Steps::

    topics --choose_topic--> topic --open_page--> page
       \\--search(query)--> results --open_page--> page

`back()` returns to the previous step; the first step's back leaves the journey.

    >>> j = InformationJourney(ContentPack.load())
    >>> j.choose_topic("bins"); j.open_page("bulky-waste"); j.step
    'page'
    >>> j.back(), j.step
    (True, 'topic')
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from kiosk.core.content import ContentPack, Page


@dataclass(frozen=True)
class InfoStep:
    step: str  # "topics" | "topic" | "results" | "page"
    topic_id: str | None = None
    page_id: str | None = None
    query: str = ""
    results: tuple[str, ...] = field(default_factory=tuple)


class InformationJourney:
    """State of one resident's browse through the content pack."""

    name = "information"

    def __init__(self, pack: ContentPack) -> None:
        self.pack = pack
        self.history: list[InfoStep] = [InfoStep("topics")]
        self.pages_read: int = 0

    @property
    def current(self) -> InfoStep:
        return self.history[-1]

    @property
    def step(self) -> str:
        return self.current.step

    def choose_topic(self, topic_id: str) -> None:
        self.pack.topic(topic_id)  # KeyError for an unknown topic
        self.history.append(InfoStep("topic", topic_id=topic_id))

    def search(self, query: str, lang: str) -> list[Page]:
        """Search the pack; shows the results step (which may be empty)."""
        query = " ".join(query.split())[:100]
        found = self.pack.search(lang, query)
        step = InfoStep("results", query=query, results=tuple(p.id for p in found))
        if self.step == "results":
            self.history[-1] = step
        else:
            self.history.append(step)
        return found

    def open_page(self, page_id: str) -> None:
        if page_id not in self.pack.pages:
            raise KeyError(page_id)
        self.history.append(replace(self.current, step="page", page_id=page_id))
        self.pages_read += 1

    def back(self) -> bool:
        """Go back one step; False when already at the start (the caller leaves the journey)."""
        if len(self.history) == 1:
            return False
        self.history.pop()
        return True

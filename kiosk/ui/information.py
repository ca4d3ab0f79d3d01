"""The "Find information" journey as the app sees it: browse topics or search, read a page.

The steps are `kiosk.core.journeys.information.InformationJourney` (`browse` here); the
screens are `info_` + step.
"""

from __future__ import annotations

from kiosk.core.journeys.information import InformationJourney
from kiosk.ui.flow import JourneyFlow
from kiosk.ui.i18n import tr


class InformationFlow(JourneyFlow):
    name = "information"
    prefix = "info_"
    screens = {"topics": "InfoTopicsScreen", "topic": "InfoTopicScreen", "results": "InfoResultsScreen",
               "page": "InfoPageScreen"}

    def __init__(self, app) -> None:
        super().__init__(app)
        self.reset()

    def reset(self) -> None:
        super().reset()
        self.browse: InformationJourney | None = None
        self.pages_read = 0

    def start(self) -> None:
        self.browse = InformationJourney(self.app.content)
        self.show(self.browse.step)

    @property
    def completed(self) -> bool:
        return self.pages_read > 0

    @property
    def over(self) -> bool:
        return False   # reading is never "done": Home goes home

    def choose_topic(self, topic_id: str) -> None:
        self.browse.choose_topic(topic_id)
        self.show(self.browse.step)

    def search(self, query: str) -> None:
        if not query.strip():
            return
        self.browse.search(query, tr.lang)
        self.show(self.browse.step)

    def open_page(self, page_id: str) -> None:
        self.browse.open_page(page_id)
        self.pages_read += 1
        self.show(self.browse.step)

    def back(self) -> bool:
        if self.browse is None or not self.browse.back():
            return False
        return self.back_to(self.browse.step)

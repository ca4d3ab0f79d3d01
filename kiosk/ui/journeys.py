"""The one list of the app's flows: every journey a resident can take (staff mode is
`kiosk.ui.staff`).

Each flow names its screens (`prefix` + step -> screen class); `SHELL` are the screens
that belong to no journey (the attract screen, home, and the feedback question).
"""

from __future__ import annotations

from kivy.factory import Factory

# The screen classes register themselves with Kivy's Factory when these are imported.
from kiosk.ui import (document_screens, feedback_screen, letter_screens, progress_screens,  # noqa: F401
                      resident_screens, screens, visitor_screens)
from kiosk.ui.documents import DocumentFlow
from kiosk.ui.flow import JourneyFlow
from kiosk.ui.information import InformationFlow
from kiosk.ui.letters import LetterFlow
from kiosk.ui.progress import ProgressFlow
from kiosk.ui.residents import ReportFlow, SignupFlow
from kiosk.ui.visitors import AppointmentFlow, VisitorFlow

SHELL = {"attract": "AttractScreen", "home": "HomeScreen", "feedback": "FeedbackScreen"}


def journey_flows(app) -> dict[str, JourneyFlow]:
    """Every resident journey's flow, by name, in `kiosk.core.journeys.JOURNEYS` order."""
    visitors = VisitorFlow(app)
    flows = [InformationFlow(app), visitors, AppointmentFlow(app, visitors), DocumentFlow(app),
             SignupFlow(app), ReportFlow(app), LetterFlow(app), ProgressFlow(app)]
    return {flow.name: flow for flow in flows}


def screen_classes(flows) -> dict:
    """Screen name -> class, for the screen manager to build each when first needed."""
    names = dict(SHELL)
    for flow in flows:
        for step, cls in flow.screens.items():
            names[flow.prefix + step] = cls
    return {name: Factory.get(cls) for name, cls in names.items()}

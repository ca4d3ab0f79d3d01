"""Every journey the kiosk offers, written once, and the order of each one's steps.

A `Journey` is what the home screen and the app need to know of one: its tile, when it is
offered, and the record a completed one queues. Its steps are a `Path` in its own module
here (`visitors`, `documents`, `signup`, `report`, `progress`, `staff`, `information`), as plain
Python: which step comes next, which one Back goes to, and "Step 2 of 5". The screens
(`kiosk.ui`) show one step each and ask these which to show next.

    >>> [j.name for j in offered(JOURNEYS, {"enrolled"})]
    ['information', 'visitors', 'appointments', 'signup', 'progress']
    >>> JOURNEYS["documents"].record
    'document-scan'
"""

from __future__ import annotations

from dataclasses import dataclass

from sync import payloads


def _(message: str) -> str:
    """Marks a message for translation; the screens translate it when they show it."""
    return message


# What a kiosk may have, that a journey may need.
ENROLLED = "enrolled"      # paired with central: somewhere to send what people give
CAMERA = "camera"          # a camera that works
CATEGORIES = "categories"  # the council's report categories have arrived
LETTERS = "letters"        # the council's letter guides have arrived


@dataclass(frozen=True)
class Journey:
    name: str             # as records and the kiosk's config name it (sync.payloads.JOURNEYS)
    title: str            # the home tile, marked for translation
    summary: str
    icon: str             # kiosk.ui.theme.ICONS
    needs: frozenset[str]
    record: str | None    # the kind of record a completed journey queues (None: nothing sent)

    def offered(self, has: set[str] | frozenset[str]) -> bool:
        return self.needs <= set(has)


JOURNEYS: dict[str, Journey] = {j.name: j for j in (
    Journey("information", _("Find information"), _("Bins, housing, Council Tax, changes, hubs and opening hours"),
            "information", frozenset(), None),
    Journey("visitors", _("Visitors: sign in or out"), _("Here for a meeting or to see a member of staff"),
            "visitors", frozenset({ENROLLED}), payloads.VisitorCheckIn.KIND),
    Journey("appointments", _("I have an appointment"),
            _("Check in with the reference from your letter or text message"),
            "appointments", frozenset({ENROLLED}), payloads.AppointmentArrival.KIND),
    Journey("documents", _("Send us documents"),
            _("Scan proof for Housing Benefit, Council Tax or the housing register"),
            "scan", frozenset({ENROLLED, CAMERA}), payloads.DocumentScan.KIND),
    Journey("signup", _("Create a council account"), _("Pay, apply and report online. A volunteer can help you"),
            "account", frozenset({ENROLLED}), payloads.AccountSignup.KIND),
    Journey("report", _("Report a problem"), _("Fly tipping, potholes, street lights, missed bins and more"),
            "report", frozenset({ENROLLED, CATEGORIES}), payloads.StreetReport.KIND),
    Journey("letters", _("Help with a letter"), _("Hold up a letter from us to see what it means and what to do"),
            "page", frozenset({LETTERS}), None),
    Journey("progress", _("Check my progress"),
            _("See how a report, documents or an account you asked for is getting on"),
            "search", frozenset({ENROLLED}), None),
)}
assert tuple(JOURNEYS) == payloads.JOURNEYS, "a journey is missing here or from sync.payloads.JOURNEY_NAMES"


def offered(names, has: set[str] | frozenset[str]) -> list[Journey]:
    """Of the journeys `names` (a kiosk's config, in its order), those it can offer with `has`."""
    return [JOURNEYS[name] for name in names if JOURNEYS[name].offered(has)]


class Path:
    """A journey's steps in order.

    - `optional` steps are shown only on some visits: the `shows(step)` each method takes
      says whether this one shows (a report category's questions, a photo with a camera).
    - `variants` are other pages for the same step (typing an address by hand instead of
      picking one): they count as, go back to, and move on like their step.
    - `unnumbered` steps are part of the path but carry no "Step n of m" (check your answers).

        >>> p = Path("a", "b", "c", "check", optional={"b"}, variants={"b2": "b"}, unnumbered={"check"})
        >>> p.after("a", lambda s: False), p.before("c", lambda s: True), p.position("b2", lambda s: True)
        ('c', 'b', (2, 3))
    """

    def __init__(self, *steps: str, optional=(), variants=None, unnumbered=()) -> None:
        self.steps = tuple(steps)
        self.optional = frozenset(optional)
        self.variants = dict(variants or {})
        self.unnumbered = frozenset(unnumbered)

    def __contains__(self, step: str) -> bool:
        return step in self.steps or step in self.variants

    def _shown(self, shows) -> list[str]:
        return [s for s in self.steps if s not in self.optional or shows(s)]

    def _main(self, step: str) -> str:
        return self.variants.get(step, step)

    def after(self, step: str, shows=lambda _s: True) -> str | None:
        """The step after `step` (None after the last)."""
        shown, step = self._shown(shows), self._main(step)
        following = self.steps[self.steps.index(step) + 1:]
        return next((s for s in following if s in shown), None)

    def before(self, step: str, shows=lambda _s: True) -> str | None:
        """The step Back goes to from `step`: a variant goes to its own step; None from the first."""
        if step in self.variants:
            return self.variants[step]
        shown = self._shown(shows)
        earlier = self.steps[:self.steps.index(step)]
        return next((s for s in reversed(earlier) if s in shown), None)

    def position(self, step: str, shows=lambda _s: True) -> tuple[int, int] | None:
        """(n, of) for "Step n of m"; None for an unnumbered step or one not on the path."""
        step = self._main(step)
        numbered = [s for s in self._shown(shows) if s not in self.unnumbered]
        if step not in numbered:
            return None
        return numbered.index(step) + 1, len(numbered)

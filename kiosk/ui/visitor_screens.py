"""Visitor, appointment and staff visitor screens. Each shows one step of `VisitorFlow` and
forwards touches to it; layouts are the rules of the same names in `assets/kv/visitors.kv`.
"""

from __future__ import annotations

from kivy.properties import BooleanProperty, ListProperty, NumericProperty, StringProperty

from kiosk.core.printing import NO_PRINTER, PRINTED
from kiosk.ui.i18n import tr
from kiosk.ui.screens import CameraScreen, FlowScreen, KioskScreen, app
from kiosk.ui.visitors import purpose_label, site_rules
from kiosk.ui.widgets import ChoiceRow, KioskButton, Label


def flow():
    return app().visitors


class VisitStartScreen(CameraScreen):
    pass


class VisitCodeScreen(FlowScreen):
    def on_pre_enter(self, *args):
        self.ids.code.forget()
        flow().matches = []
        super().on_pre_enter(*args)

    def refresh(self) -> None:
        super().refresh()
        rows = self.ids.matches
        rows.clear_widgets()
        for invite in flow().matches:
            row = ChoiceRow(title=invite.visitor, item_id=invite.code,
                            detail=tr._("Visiting {host}").format(host=invite.host))
            row.bind(on_release=lambda r: flow().choose_invite(r.item_id))
            rows.add_widget(row)

    def submit(self) -> None:
        flow().find_invite(self.ids.code.text)


class VisitConfirmScreen(FlowScreen):
    visitor = StringProperty("")
    company = StringProperty("")
    host = StringProperty("")
    email = StringProperty("")

    def refresh(self) -> None:
        super().refresh()
        invite = flow().invite
        if invite is None:
            return
        self.visitor, self.company, self.host, self.email = invite.visitor, invite.company, invite.host, \
            invite.email_masked


class VisitAboutScreen(FlowScreen):
    note = StringProperty("")

    def on_pre_enter(self, *args):
        form = flow().form
        self.ids.name.text, self.ids.company.text, self.ids.email.text = form.name, form.company, form.email
        super().on_pre_enter(*args)

    def refresh(self) -> None:
        super().refresh()
        self.note = flow().returning_note

    def prefill(self, name: str, company: str) -> bool:
        """A returning visitor's details, only into fields still empty; True if any were."""
        filled = False
        for field, value in ((self.ids.name, name), (self.ids.company, company)):
            if value and not field.text.strip():
                field.text = value
                filled = True
        return filled

    def email_done(self) -> None:
        flow().look_up_returning(self.ids.email.text)
        self.ids.name.focus = not self.ids.name.text

    def submit(self) -> None:
        flow().about_done(self.ids.name.text, self.ids.company.text, self.ids.email.text)


class VisitHostScreen(FlowScreen):
    chosen = StringProperty("")

    def on_pre_enter(self, *args):
        form = flow().form
        self.chosen = form.host.name if form.host else ""
        if not form.host:
            self.ids.search.forget()
        super().on_pre_enter(*args)

    def refresh(self) -> None:
        super().refresh()
        self.show_results(self.ids.search.text)

    def show_results(self, typed: str) -> None:
        rows = self.ids.results
        rows.clear_widgets()
        form = flow().form
        found = flow().search_hosts(typed) if typed.strip() else []
        if form.host:   # the one chosen first, in view however small the list's room
            found = [form.host, *(h for h in found if h.id != form.host.id)][:6]
        # While the keyboard is up only two rows fit above it; all come back when it closes.
        for host in found[:2 if app().keyboard.shown else 5]:
            row = ChoiceRow(title=host.name, detail=host.department, item_id=host.id,
                            selected=form.host is not None and host.id == form.host.id)
            row.bind(on_release=lambda r: self.choose_host(r.item_id))
            rows.add_widget(row)
        typed_letters = len(typed.strip())
        self.ids.none_found.text = (
            tr._("No one found. Check the spelling, or ask at the meet-and-greet point.")
            if typed_letters >= 3 and not found else
            tr._("Type at least three letters of their first or last name.")
            if typed_letters < 3 and not form.host else "")

    def search_done(self) -> None:
        from kivy.clock import Clock

        Clock.schedule_once(lambda _dt: self.show_results(self.ids.search.text), 0.1)  # once the keyboard is down

    def choose_host(self, host_id: str) -> None:
        flow().choose_host(host_id)
        app().keyboard.close()
        self.chosen = flow().form.host.name
        self.refresh()

    def submit(self) -> None:
        flow().host_done()


class VisitPurposeScreen(FlowScreen):
    """Why they are visiting: one tap chooses and moves on."""

    host = StringProperty("")

    def refresh(self) -> None:
        super().refresh()
        form = flow().form
        self.host = form.host.name if form.host else ""
        grid = self.ids.purposes
        grid.clear_widgets()
        for purpose in ("meeting", "interview", "contractor", "delivery", "event", "other"):
            button = KioskButton(label=purpose_label(purpose),
                                 kind="selected" if purpose == form.purpose else "secondary")
            button.bind(on_release=lambda _b, p=purpose: self.choose_purpose(p))
            grid.add_widget(button)

    def choose_purpose(self, purpose: str) -> None:
        flow().choose_purpose(purpose)
        flow().purpose_done()


class VisitVehicleScreen(FlowScreen):
    def on_pre_enter(self, *args):
        self.ids.vehicle.text = flow().form.vehicle
        super().on_pre_enter(*args)

    def submit(self) -> None:
        app().keyboard.close()
        flow().vehicle_done(self.ids.vehicle.text)


class VisitPhotoScreen(CameraScreen):
    photo = BooleanProperty(False)  # showing the camera for a photo
    taken = BooleanProperty(False)

    def on_pre_enter(self, *args):
        self.taken = flow().form.photo_jpeg is not None
        self.photo = False
        super().on_pre_enter(*args)

    def on_enter(self, *args):
        KioskScreen.on_enter(self, *args)  # the camera starts only if they want a photo

    def want_photo(self) -> None:
        self.photo, self.taken = True, False
        flow().forget_photo()
        CameraScreen.on_enter(self)

    def no_photo(self) -> None:
        flow().forget_photo()
        self.photo = self.taken = False
        CameraScreen.on_leave(self)

    def take(self) -> None:
        if flow().take_photo():
            self.taken = True
            self.photo = False
            CameraScreen.on_leave(self)
        else:
            self.refresh()

    def submit(self) -> None:
        flow().photo_done()


class VisitRulesScreen(FlowScreen):
    def on_pre_enter(self, *args):
        self.ids.pad.clear()
        box = self.ids.rules
        box.clear_widgets()
        for rule in site_rules():
            box.add_widget(Label(text=f"•  {rule}", size_hint_y=None,
                                 text_size=(box.width or 900, None), halign="left"))
        for label in box.children:
            label.bind(texture_size=lambda lbl, size: setattr(lbl, "height", size[1] + 6),
                       width=lambda lbl, w: setattr(lbl, "text_size", (w, None)))
        super().on_pre_enter(*args)

    def submit(self) -> None:
        flow().rules_done(list(self.ids.pad.strokes))


class DoneScreen(FlowScreen):
    """The last screen of a visit: it finishes by itself after a while, ready for the next person."""

    navigation = False
    seconds = 25
    _timer = None

    def on_enter(self, *args):
        super().on_enter(*args)
        from kivy.clock import Clock

        self._timer = Clock.schedule_once(self._time_up, self.seconds)

    def _time_up(self, _dt) -> None:
        # Only if this very screen is still showing: after a wipe it belongs to no one, and
        # must never end the next person's visit.
        if self.manager is not None and self.manager.current_screen is self:
            app().finish()

    def on_leave(self, *_args):
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None


class VisitWelcomeScreen(DoneScreen):
    visitor = StringProperty("")
    host_line = StringProperty("")
    badge_line = StringProperty("")
    offline = BooleanProperty(False)

    def refresh(self) -> None:
        super().refresh()
        checked = flow().checked
        if checked is None:
            return
        first = checked.visit.name.split()[0]
        self.visitor = tr._("Welcome, {name}").format(name=first)
        self.offline = checked.offline
        if checked.offline:
            self.host_line = tr._("We cannot reach {host} just now. Please go to the meet-and-greet point "
                                  "and a member of staff will help you.").format(host=checked.visit.host)
        else:
            self.host_line = tr._("We are letting {host} know that you are here. Please take a seat; they "
                                  "will come to meet you.").format(host=checked.visit.host)
        printed = flow().printed
        self.badge_line = (tr._("Your visitor badge is printing. Please wear it while you are here.")
                           if printed == PRINTED else
                           tr._("Please collect a visitor badge from the meet-and-greet point.")
                           if printed == NO_PRINTER else
                           tr._("Your badge could not be printed. Please collect one from the meet-and-greet point."))


class VisitSignoutScreen(CameraScreen):
    def on_pre_enter(self, *args):
        self.ids.name.forget()
        flow().leaving = []
        super().on_pre_enter(*args)

    def submit(self) -> None:
        app().keyboard.close()
        flow().find_own_visit(self.ids.name.text)

    def refresh(self) -> None:
        super().refresh()
        rows = self.ids.results
        rows.clear_widgets()
        for visit in flow().leaving:   # they gave the address or code: only their own visits
            parts = visit.name.split()
            short = parts[0] + (f" {parts[-1][0]}." if len(parts) > 1 else "")
            since = tr._("since {time}").format(time=flow().time_text(visit.checked_in_at))
            row = ChoiceRow(title=short, detail=f"{visit.company or visit.host} · {since}", item_id=visit.visit_id)
            row.bind(on_release=lambda r: flow().sign_out(r.item_id, "name"))
            rows.add_widget(row)


class VisitGoodbyeScreen(DoneScreen):
    seconds = 15
    visitor = StringProperty("")

    def refresh(self) -> None:
        super().refresh()
        left = flow().left
        if left is not None:
            self.visitor = tr._("Goodbye, {name}").format(name=left.name.split()[0])


class ApptStartScreen(CameraScreen):
    def on_pre_enter(self, *args):
        self.ids.reference.forget()
        super().on_pre_enter(*args)

    def submit(self) -> None:
        app().appointments.arrive(self.ids.reference.text)

    def no_reference(self) -> None:
        """No letter or text with them: say where a person can find their appointment."""
        from kiosk.ui.widgets import ChoiceDialog

        ChoiceDialog([(tr._("Back to the start"), "secondary", app().go_home)], tr._("Close"), cancel_first=True,
                     title=tr._("We can still check you in"),
                     message=tr._("Please go to the meet-and-greet point or ask a member of staff. They can "
                                  "find your appointment with your name and date of birth.")).open()


class ApptTicketScreen(DoneScreen):
    number = StringProperty("")
    service = StringProperty("")

    def refresh(self) -> None:
        super().refresh()
        ticket = app().appointments.ticket
        if ticket is not None:
            self.number = ticket.number
            self.service = tr._("{service}, booked for {time}").format(service=ticket.appointment.service,
                                                                     time=ticket.appointment.time)


# ----- staff -------------------------------------------------------------------------------
class StaffVisitorsScreen(KioskScreen):
    count = NumericProperty(0)
    notice = StringProperty("")

    def refresh(self) -> None:
        rows = self.ids.rows
        rows.clear_widgets()
        desk = flow().desk
        visits = desk.register.on_site() if desk else []
        self.count = len(visits)
        for visit in visits:
            line = _StaffVisitRow(visit_id=visit.visit_id, title=visit.name,
                                  detail=tr._("{company} · visiting {host} · since {time}").format(
                                      company=visit.company or "—", host=visit.host,
                                      time=flow().time_text(visit.checked_in_at)))
            rows.add_widget(line)


class _StaffVisitRow(ChoiceRow):
    visit_id = StringProperty("")

    def on_release(self):
        app().staff.visitor_actions(self.visit_id)


class StaffRollCallScreen(KioskScreen):
    safe = NumericProperty(0)
    total = NumericProperty(0)
    notice = StringProperty("")
    people = ListProperty([])

    def refresh(self) -> None:
        roll = app().staff.roll
        rows = self.ids.rows
        rows.clear_widgets()
        if roll is None:
            return
        self.total = len(roll.people)
        self.safe = sum(p["safe"] for p in roll.people)
        for person in sorted(roll.people, key=lambda p: (p["safe"], p["name"])):
            detail = " · ".join(x for x in (person["company"], tr._("visiting {host}").format(host=person["host"])
                                            if person["host"] else "") if x)
            if not person["here"]:
                detail += " · " + tr._("signed in at another kiosk")
            row = ChoiceRow(title=person["name"], detail=detail, item_id=person["visit_id"], selected=person["safe"],
                            toggle=True)
            row.bind(on_release=lambda r: app().staff.toggle_safe(r.item_id))
            rows.add_widget(row)

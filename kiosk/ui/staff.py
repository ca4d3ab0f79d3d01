"""Staff mode as a flow: the PIN, the panel (device settings and status), the visitors on
site, the fire roll-call, and starting a signup a volunteer helps with.

The steps are `kiosk.core.journeys.staff`; the screens are `staff_` + step. Leaving staff
mode always wipes, so nobody finds the kiosk unlocked.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from kiosk.core.i18n import date_time_words
from kiosk.core.journeys import staff as steps
from kiosk.core.printing import PrintError
from kiosk.core.residents import _
from kiosk.core.status import device_status
from kiosk.ui.flow import CANNOT_SAVE, JourneyFlow, in_background
from kiosk.ui.i18n import tr
from kiosk.ui.theme import theme
from kiosk.ui.widgets import ChoiceDialog, ConfirmDialog
from sync import SyncError


class StaffFlow(JourneyFlow):
    prefix = "staff_"
    screens = {"pin": "StaffPinScreen", "panel": "StaffPanelScreen", "visitors": "StaffVisitorsScreen",
               "rollcall": "StaffRollCallScreen", "volunteer": "SuVolunteerScreen"}

    def __init__(self, app) -> None:
        super().__init__(app)
        self.reset()

    def reset(self) -> None:
        super().reset()
        self.unlocked = False
        self.roll = None

    def start(self) -> None:
        self.app.idle.start()
        self.show("pin")

    @property
    def over(self) -> bool:
        return self.unlocked or bool(self.step)   # Home from staff mode ends the visit

    def back(self) -> bool:
        return self.back_to(steps.back(self.step, self.unlocked))

    def leave(self) -> None:
        self.app.finish()

    @property
    def visitors(self):
        return self.app.visitors

    def _can_use_visitors(self) -> bool:
        return self.unlocked and self.visitors.available

    # ----- the PIN and the panel -----------------------------------------------------------
    def try_pin(self, pin: str) -> tuple[str, bool]:
        """Check a PIN; returns the message to show and whether it is an error."""
        if not pin:
            return tr._("Type your PIN, then touch Unlock."), True
        result = self.app.pin_gate.attempt(pin)
        if result.ok:
            self.unlocked = True
            self.show("panel")
            return "", False
        if result.locked:
            minutes = max(1, (result.locked_for + 59) // 60)
            return tr.n_("Too many wrong tries. Please wait {n} minute and try again.",
                         "Too many wrong tries. Please wait {n} minutes and try again.", minutes).format(n=minutes), True
        return tr.n_("That PIN is not right. {n} try left.", "That PIN is not right. {n} tries left.",
                     result.attempts_left).format(n=result.attempts_left), True

    def set(self, key: str, value) -> None:
        if not self.unlocked:
            return
        self.app.settings.set(key, value)
        if key == "text_size":
            theme.set_text_size(value)
        elif key == "high_contrast":
            theme.set_contrast(value)
        self.app.sm.get_screen("staff_panel").refresh()

    def status_summary(self) -> list[tuple[str, str]]:
        app = self.app
        s, cfg = device_status(app.data_dir), app.device_config
        lines = [
            (tr._("Site"), cfg.site.name),
            (tr._("Device"), cfg.site.device_name),
            (tr._("App version"), s.app_version),
            (tr._("Information pages"), tr._("version {version}").format(version=app.content.version)),
            (tr._("Central service"), app.sync.identity.central_url if app.sync.identity else cfg.central.url),
            (tr._("Free disk space"), tr._("{mb} MB").format(mb=s.disk_free_mb)),
            (tr._("Memory in use"), tr._("{mb} MB").format(mb=s.memory_mb)),
            (tr._("Running for"), tr.n_("{n} minute", "{n} minutes", s.uptime_minutes).format(n=s.uptime_minutes)),
        ]
        lines += app.sync.panel_lines()
        if cfg.uses_demo_pin:
            lines.append((tr._("Warning"), tr._("this device still uses the demo PIN")))
        return lines

    def confirm_exit(self) -> None:
        if not self.unlocked:
            return
        ConfirmDialog(
            title=tr._("Exit kiosk mode?"),
            message=tr._("The kiosk will close. Residents cannot use it until it is started again."),
            yes_label=tr._("Exit"), no_label=tr._("Cancel"), yes_action=self.app.stop,
        ).open()

    # ----- a volunteer helps a resident sign up ------------------------------------------
    def help_signup(self) -> None:
        if self.unlocked and self.app.signup.available:
            self.show("volunteer")

    def start_assisted_signup(self, volunteer: str) -> None:
        """A volunteer (signed in to staff mode) starts a signup beside a resident; their name
        goes with it as "assisted by". The journey then runs as the resident's own."""
        from kiosk.core.forms import Invalid
        from kiosk.core.residents.validate import clean_text

        if not self.unlocked:
            return
        try:
            name = clean_text(volunteer, 60, "volunteer", _("That is too long. Please shorten it."))
        except Invalid:
            name = ""
        if len(name) < 2:
            self.say(_("Please type your name."), "volunteer")
            return
        self.unlocked = False
        self.app.signup.start(assisted_by=name)

    # ----- visitors on site --------------------------------------------------------------
    def show_visitors(self) -> None:
        if self._can_use_visitors():
            self.show("visitors")

    def visitor_actions(self, visit_id: str) -> None:
        if not self._can_use_visitors():
            return
        desk = self.visitors.desk
        visit = desk.register.get(visit_id)
        if visit is None:
            return
        choices = [(tr._("Sign them out"), "danger", lambda: self._sign_out(visit_id))]
        if desk.printer.available:
            choices.insert(0, (tr._("Reprint badge"), "primary", lambda: self._reprint(visit_id)))
        ChoiceDialog(choices, tr._("Cancel"), title=visit.name,
                     message=tr._("Visiting {host}").format(host=visit.host)).open()

    def _notice(self, screen: str, text: str) -> None:
        target = self.app.sm.get_screen(self.prefix + screen)
        target.notice = text
        target.refresh()

    def _reprint(self, visit_id: str) -> None:
        from kiosk.ui.visitors import badge_labels

        desk = self.visitors.desk
        visit = desk.register.get(visit_id)
        if visit is None:
            return
        try:
            desk.print_badge(visit, badge_labels(), self.visitors.long_date(), again=True)
            self._notice("visitors", tr._("The badge is printing."))
        except PrintError:
            self._notice("visitors", tr._("The printer did not answer. Check it is on and has labels."))

    def _sign_out(self, visit_id: str) -> None:
        try:
            visit = self.visitors.desk.sign_out(visit_id, "staff")
        except SyncError:
            self.app.sync.storage_changed()
            self._notice("visitors", tr._(CANNOT_SAVE))
            return
        if visit is not None:
            self._notice("visitors", tr._("{name} is signed out.").format(name=visit.name))

    # ----- the fire roll-call ------------------------------------------------------------
    def start_roll_call(self) -> None:
        """Everyone on site now, from this kiosk's register (works offline); anyone central knows
        of who signed in at another kiosk of this site is added when it answers."""
        if not self._can_use_visitors():
            return
        self.roll = roll = self.visitors.desk.start_roll_call()
        self.app.sm.get_screen("staff_rollcall").notice = ""
        self.show("rollcall")
        client = self.app.sync.client
        if client is None:
            return

        def ask():
            try:
                return [v.model_dump() for v in client.on_site().visits]
            except Exception:  # noqa: BLE001 - offline or central busy: the local list stands
                return None

        in_background("roll-call", ask, lambda view: self._central_answered(roll, view))

    def _central_answered(self, roll, view) -> None:
        if self.roll is not roll:
            return
        screen = self.app.sm.get_screen("staff_rollcall")
        if view is None:
            screen.notice = tr._("Central could not be reached: this list is everyone signed in at this kiosk.")
        else:
            added = self.visitors.desk.merge_central(roll, view)
            screen.notice = tr.n_("Central added {n} person signed in at another kiosk.",
                                  "Central added {n} people signed in at other kiosks.", added).format(n=added) \
                if added else tr._("Central agrees: everyone on site is listed.")
        screen.refresh()

    def toggle_safe(self, visit_id: str) -> None:
        if self.roll is None:
            return
        person = next((p for p in self.roll.people if p["visit_id"] == visit_id), None)
        if person is not None:
            self.visitors.desk.mark_safe(self.roll, visit_id, not person["safe"])
            self.app.sm.get_screen("staff_rollcall").refresh()

    def _roll_call_words(self):
        return ([tr._("Name"), tr._("Organisation"), tr._("Visiting"), tr._("Safe")], tr._("yes"), tr._("not yet"))

    def print_roll_call(self) -> None:
        desk, screen = self.visitors.desk, self.app.sm.get_screen("staff_rollcall")
        if self.roll is None:
            return
        if not desk.printer.available:
            screen.notice = tr._("No printer is set up at this kiosk. Use Export instead.")
            return
        headings, yes, no = self._roll_call_words()
        subtitle = f"{self.app.device_config.site.name} · {date_time_words(datetime.now(), tr.lang)}"
        try:
            pdf = desk.roll_call_pdf(self.roll, tr._("Fire roll-call"), subtitle, headings, yes, no)
            desk.printer.print_pdf(pdf, "roll-call")
            screen.notice = tr._("The list is printing.")
        except PrintError:
            screen.notice = tr._("The printer did not answer. Check it is on and has paper.")

    def export_roll_call(self) -> None:
        screen = self.app.sm.get_screen("staff_rollcall")
        if self.roll is None:
            return
        folder = self.app.device_config.visitors.export_folder
        if not folder or not Path(folder).is_dir():
            screen.notice = tr._("No export folder is available. Insert the USB stick set up for this kiosk.")
            return
        headings, yes, no = self._roll_call_words()
        name = f"roll-call-{datetime.now():%Y%m%d-%H%M}.csv"
        try:
            target = Path(folder) / name
            target.write_bytes(self.visitors.desk.roll_call_csv(self.roll, headings, yes, no))
            target.chmod(0o600)
            screen.notice = tr._("Saved as {name}.").format(name=name)
        except OSError:
            screen.notice = tr._("The list could not be saved. Check the USB stick.")

    def finish_roll_call(self) -> None:
        if self.roll is None:
            return
        self.visitors.desk.finish_roll_call(self.roll)
        self.roll = None
        self.show("panel", "right")

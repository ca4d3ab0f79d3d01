"""The Kivy application: owns the window, the screens and the resident's session.

Rules live in `kiosk.core`; this class wires touches to them and decides which screen shows.
"""

from __future__ import annotations

import gc
import logging
from datetime import datetime
from pathlib import Path

from kivy.animation import Animation
from kivy.app import App
from kivy.cache import Cache
from kivy.clock import Clock
from kivy.core.clipboard import Clipboard
from kivy.core.window import Window
from kivy.factory import Factory
from kivy.lang import Builder
from kivy.properties import BooleanProperty, ObjectProperty, StringProperty
from kivy.uix.screenmanager import NoTransition, SlideTransition

from kiosk.core.config import KioskConfig
from kiosk.core.content import ContentPack
from kiosk.core.feedback import FeedbackBox
from kiosk.core.i18n import LANGUAGES, date_time_words
from kiosk.core.idle import IdleMonitor
from kiosk.core.journeys.information import InformationJourney
from kiosk.core.paths import KV_DIR
from kiosk.core.pin import PinGate
from kiosk.core.session import Session
from kiosk.core.settings import DeviceSettings
from kiosk.core.status import device_status
from kiosk.ui import document_screens as ds
from kiosk.ui import resident_screens as rs
from kiosk.ui import screens
from kiosk.ui import visitor_screens as vs
from kiosk.ui.flow import CANNOT_SAVE
from kiosk.ui.i18n import tr
from kiosk.ui.keynav import KeyboardNavigation
from kiosk.ui.syncing import KioskSync
from kiosk.ui.theme import theme
from kiosk.ui.documents import DocumentFlow
from kiosk.ui.feedback_screen import FeedbackScreen
from kiosk.ui.residents import ReportFlow, SignupFlow
from kiosk.ui.visitors import VisitorFlow
from kiosk.ui.widgets import BarButton, ChoiceDialog, ConfirmDialog, IdleWarning, KioskTextInput, qr_code_texture
from sync import SyncError

_KV_LOADED = False
log = logging.getLogger("kiosk")

INFO_SCREENS = {"topics": "info_topics", "topic": "info_topic", "results": "info_results", "page": "info_page"}
SCREENS = {
    "attract": screens.AttractScreen,
    "home": screens.HomeScreen,
    "info_topics": screens.InfoTopicsScreen,
    "info_topic": screens.InfoTopicScreen,
    "info_results": screens.InfoResultsScreen,
    "info_page": screens.InfoPageScreen,
    "staff_pin": screens.StaffPinScreen,
    "staff_panel": screens.StaffPanelScreen,
    "visit_start": vs.VisitStartScreen,
    "visit_code": vs.VisitCodeScreen,
    "visit_confirm": vs.VisitConfirmScreen,
    "visit_about": vs.VisitAboutScreen,
    "visit_host": vs.VisitHostScreen,
    "visit_purpose": vs.VisitPurposeScreen,
    "visit_extras": vs.VisitExtrasScreen,
    "visit_rules": vs.VisitRulesScreen,
    "visit_welcome": vs.VisitWelcomeScreen,
    "visit_signout": vs.VisitSignoutScreen,
    "visit_goodbye": vs.VisitGoodbyeScreen,
    "appt_start": vs.ApptStartScreen,
    "appt_ticket": vs.ApptTicketScreen,
    "staff_visitors": vs.StaffVisitorsScreen,
    "staff_rollcall": vs.StaffRollCallScreen,
    "doc_start": ds.DocStartScreen,
    "doc_kind": ds.DocKindScreen,
    "doc_reference": ds.DocReferenceScreen,
    "doc_person": ds.DocPersonScreen,
    "doc_camera": ds.DocCameraScreen,
    "doc_review": ds.DocReviewScreen,
    "doc_adjust": ds.DocAdjustScreen,
    "doc_sent": ds.DocSentScreen,
    "su_volunteer": rs.SuVolunteerScreen,
    "su_start": rs.SuStartScreen,
    "su_name": rs.SuNameScreen,
    "su_email": rs.SuEmailScreen,
    "su_mobile": rs.SuMobileScreen,
    "su_address": rs.SuAddressScreen,
    "su_manual": rs.SuManualScreen,
    "su_dob": rs.SuDobScreen,
    "su_contact": rs.SuContactScreen,
    "su_terms": rs.SuTermsScreen,
    "su_check": rs.SuCheckScreen,
    "su_done": rs.SuDoneScreen,
    "rp_category": rs.RpCategoryScreen,
    "rp_questions": rs.RpQuestionsScreen,
    "rp_where": rs.RpWhereScreen,
    "rp_details": rs.RpDetailsScreen,
    "rp_photo": rs.RpPhotoScreen,
    "rp_contact": rs.RpContactScreen,
    "rp_check": rs.RpCheckScreen,
    "rp_done": rs.RpDoneScreen,
    "feedback": FeedbackScreen,
}


def load_kv() -> None:
    """Load the kv rules once per process."""
    global _KV_LOADED
    if not _KV_LOADED:
        for name in ("widgets.kv", "screens.kv", "visitors.kv", "documents.kv", "residents.kv", "feedback.kv"):
            Builder.load_file(str(KV_DIR / name))
        _KV_LOADED = True


class KioskApp(App):
    """The kiosk: attract screen, home, journeys, idle wipe and the staff panel."""

    title = "hubkiosk"
    show_navigation = BooleanProperty(False)
    status_line = StringProperty("")
    keyboard = ObjectProperty(None, allownone=True)

    def __init__(self, device_config: KioskConfig, data_dir: Path, content: ContentPack | None = None, **kwargs):
        super().__init__(**kwargs)
        self.device_config = device_config
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.content = content or ContentPack.load()
        self.settings = DeviceSettings(device_config, self.data_dir / "settings.json")
        self.session = Session(self.data_dir)
        self.session.sweep()
        self.sync = KioskSync(self.data_dir, self._on_sync_change)
        self.visitors = VisitorFlow(self)
        self.documents = DocumentFlow(self)
        self.signup = SignupFlow(self)
        self.report = ReportFlow(self)
        self.feedback = (FeedbackBox(self.sync.outbox, self.sync.identity.site) if self.sync.enrolled else None)
        self.feedback_journey: str | None = None   # the journey the feedback screen asks about
        self.info_pages_read = 0
        self.idle = IdleMonitor(device_config.idle.timeout_seconds, device_config.idle.warning_seconds)
        self.pin_gate = PinGate(
            device_config.staff.pin_hash,
            self.data_dir / "staff-pin.json",
            max_attempts=device_config.staff.max_attempts,
            lockout_seconds=device_config.staff.lockout_seconds,
        )
        self.info: InformationJourney | None = None
        self.staff_mode = False
        self.idle_warning: IdleWarning | None = None
        self.transition_seconds = 0.18
        self.wipes = 0
        self.prebuild_screens = True   # build the screens in the background after each wipe
        self._qr_cache: dict[str, object] = {}

    # ----- building -------------------------------------------------------------------
    @property
    def available_languages(self) -> list[str]:
        return list(self.device_config.languages.available)

    def build(self):
        load_kv()
        theme.set_contrast(self.settings["high_contrast"])
        theme.set_text_size(self.settings["text_size"])
        tr.switch(self.settings["language"])
        root = Factory.KioskRoot()
        self.keyboard = root.ids.keyboard
        self.sm = root.ids.sm
        self.sm.fbind("pos", self._settle_screen)
        self._language_bar = root.ids.languages
        self._build_screens()
        self._build_language_bar()
        self.keynav = KeyboardNavigation()
        Window.bind(on_touch_down=self._on_touch, on_key_down=self._on_key_down)
        Clock.schedule_interval(self._tick, 0.5)
        self._tick(0)
        Clock.schedule_once(self._warm_up, 1.0)
        return root

    def _warm_up(self, _dt=None) -> None:
        """Build each kind of journey widget once while the attract screen waits.

        The first of each (its kv rule, its fonts) costs a long frame; paying it here keeps
        the resident's first screen changes smooth.
        """
        from kivy.uix.label import Label

        from kiosk.core.content import parse_body
        from kiosk.ui.screens import BodyBlock
        from kiosk.ui.theme import ICONS
        from kiosk.ui.widgets import PageRow, Tile, icon_markup

        for bold in (False, True):  # the icon font and bold text
            Label(text="".join(icon_markup(name) for name in ICONS) + " Aa", markup=True,
                  bold=bold, font_size="54sp").texture_update()
        pack = self.content
        page = next(iter(pack.pages))
        text = pack.text(tr.lang, page)
        widgets = [Tile(title=text.title, summary=text.summary, icon="information"),
                   PageRow(title=text.title, summary=text.summary)]
        widgets += [BodyBlock(kind=b.kind, text=b.text) for b in parse_body(text.body)]
        self.qr_texture(pack.pages[page].url)
        for widget in widgets:
            for label in widget.walk():
                if isinstance(label, Label):
                    label.texture_update()
        # What exists now lives as long as the app: keep it out of every later collection.
        # (Frozen objects are never collected, so no journey screen may exist yet: a screen
        # frozen here would keep what its first user typed after the wipe. The screens are
        # built in the background only from now on.)
        gc.collect()
        if set(self.sm.screen_names) <= {"attract"}:   # nobody has started a journey yet
            gc.freeze()
        self._warmed = True
        self._build_screens_later()

    def _build_screens(self) -> None:
        self.sm.factories = SCREENS
        self.sm.current = "attract"
        self.show_navigation = False
        if getattr(self, "_warmed", False):
            self._build_screens_later()

    def _build_screens_later(self) -> None:
        if not self.prebuild_screens:
            return
        self._prebuild_generation = getattr(self, "_prebuild_generation", 0) + 1
        generation = self._prebuild_generation
        Clock.schedule_once(lambda _dt: self._prebuild(generation), 0.3)

    def _collect_if_waiting(self, _dt=None) -> None:
        if self.sm.current == "attract" and not self.sm.transition.is_active:
            gc.collect()
            # A borough's gazetteer takes about a second to read and index (bench/gazetteer.py):
            # do it here, while nobody waits, when a new version has arrived.
            self.signup.gazetteer()
            self.report.categories()

    def _prebuild(self, generation: int) -> None:
        """Build the next screen not built yet, one per frame, while nobody is waiting."""
        if generation != self._prebuild_generation:
            return  # a newer wipe started its own round
        missing = [name for name in SCREENS if not self.sm.has_screen(name)]
        if not missing:
            return
        if not self.sm.transition.is_active:
            self.sm.get_screen(missing[0])
        Clock.schedule_once(lambda _dt: self._prebuild(generation), 0)

    def _build_language_bar(self) -> None:
        bar = self._language_bar
        bar.clear_widgets()
        for code in self.available_languages:
            button = BarButton(label=LANGUAGES[code], kind="bar_selected" if code == tr.lang else "bar")
            button.bind(on_release=lambda _b, c=code: self.switch_language(c))
            bar.add_widget(button)

    # ----- navigation -----------------------------------------------------------------
    def show(self, name: str, direction: str = "left") -> None:
        """Show screen `name`, or refresh it if it is already showing."""
        self.keyboard.close()
        self.keynav.clear()
        self.show_navigation = self.sm.get_screen(name).navigation
        if self.sm.current == name:
            self.sm.current_screen.refresh()
            return
        self._set_transition(self.transition_seconds, direction)
        self.sm.current = name

    def _settle_screen(self, *_args) -> None:
        screen = self.sm.current_screen
        if screen is not None and not self.sm.transition.is_active:
            screen.pos = self.sm.pos

    def _set_transition(self, seconds: float, direction: str = "left") -> None:
        # Finish any slide still running first: the manager only stops its current
        # transition, and an orphaned one would leave its old screen on top.
        self.sm.transition.stop()
        if seconds > 0:
            self.sm.transition = SlideTransition(duration=seconds, direction=direction)
        else:
            self.sm.transition = NoTransition()

    def start_session(self, lang: str | None) -> None:
        if lang:
            self.switch_language(lang)
        self.idle.start()
        self.show("home")

    def journeys(self) -> list[str]:
        """The journeys this kiosk offers now: all but information need an enrolled kiosk,
        scanning documents a camera, and reports the council's categories."""
        def offered(journey: str) -> bool:
            if journey == "information":
                return True
            if journey == "documents":
                return self.documents.available and self.documents.camera.available
            if journey == "report":
                return self.report.available
            return self.visitors.available
        return [j for j in self.device_config.journeys if offered(j)]

    def journey_tile(self, journey: str) -> tuple[str, str, str]:
        if journey == "information":
            return (
                tr._("Find information"),
                tr._("Bins, housing, Council Tax, changes, hubs and opening hours"),
                "information",
            )
        if journey == "visitors":
            return (tr._("Visitors: sign in or out"),
                    tr._("Here for a meeting or to see a member of staff"), "visitors")
        if journey == "appointments":
            return (tr._("I have an appointment"),
                    tr._("Check in with the reference from your letter or text message"), "appointments")
        if journey == "documents":
            return (tr._("Send us documents"),
                    tr._("Scan proof for Housing Benefit, Council Tax or the housing register"), "scan")
        if journey == "signup":
            return (tr._("Create a council account"),
                    tr._("Pay, apply and report online. A volunteer can help you"), "account")
        if journey == "report":
            return (tr._("Report a problem"),
                    tr._("Fly tipping, potholes, street lights, missed bins and more"), "report")
        raise KeyError(journey)

    def open_journey(self, journey: str) -> None:
        if journey == "information":
            self.info = InformationJourney(self.content)
            self.show_info_step()
        elif journey == "visitors":
            self.visitors.start()
        elif journey == "appointments":
            self.visitors.start_appointment()
        elif journey == "documents":
            self.documents.start()
        elif journey == "signup":
            self.signup.start()
        elif journey == "report":
            self.report.start()

    def show_info_step(self, direction: str = "left") -> None:
        self.show(INFO_SCREENS[self.info.step], direction)

    def info_choose_topic(self, topic_id: str) -> None:
        self.info.choose_topic(topic_id)
        self.show_info_step()

    def info_search(self, query: str) -> None:
        if not query.strip():
            return
        self.info.search(query, tr.lang)
        self.show_info_step()

    def info_open_page(self, page_id: str) -> None:
        self.info.open_page(page_id)
        self.info_pages_read += 1
        self.show_info_step()

    def back(self) -> None:
        current = self.sm.current
        if current.startswith("info_") and self.info is not None:
            if self.info.back():
                self.show_info_step("right")
                return
            self.go_home()
        elif current.startswith(("visit_", "appt_")):
            if not self.visitors.back():
                self.go_home()
        elif current.startswith("doc_"):
            if not self.documents.back():
                self.go_home()
        elif current.startswith("su_") and current != "su_volunteer":
            if not self.signup.back():
                self.go_home()
        elif current.startswith("rp_"):
            if not self.report.back():
                self.go_home()
        elif current in ("staff_visitors", "staff_rollcall", "su_volunteer") and self.staff_mode:
            self.show("staff_panel", "right")
        elif current.startswith("staff_"):
            self.finish()
        elif current == "feedback" and self.sm.current_screen.back():
            return
        else:
            self.go_home()

    def _unsent_pages_kept(self) -> bool:
        """Scanned pages not sent yet: ask before they are thrown away (True: asked)."""
        session = self.documents.session
        if not session.pages or session.sent is not None:
            return False
        n = len(session.pages)
        ConfirmDialog(
            title=tr._("Leave without sending?"),
            message=tr.n_("Your {n} page will be deleted and not sent.",
                          "Your {n} pages will be deleted and not sent.", n).format(n=n),
            yes_label=tr._("Leave and delete"),
            no_label=tr._("Stay"),
            yes_action=self.wipe,
        ).open()
        return True

    def _unfinished_signup_kept(self, then) -> bool:
        """A signup left part way: the resident chooses whether the council may contact them
        to help finish it (True: asked; `then` runs after their answer)."""
        flow = self.signup
        if not flow.unfinished:
            return False

        def follow_up() -> None:
            flow.ask_to_follow_up()
            self.wipe()

        def leave() -> None:
            flow.reset()
            then()

        choices = [(tr._("Leave and delete what I typed"), "danger", leave)]
        if flow.signup.reachable:
            choices.insert(0, (tr._("Ask the council to contact me to finish"), "secondary", follow_up))
        ChoiceDialog(choices, tr._("Stay and finish"), cancel_first=True,
                     title=tr._("Leave without creating your account?"),
                     message=tr._("Nothing you typed is kept unless you ask us to contact you.")).open()
        return True

    def go_home(self) -> None:
        if self.sm.current.startswith("staff_"):
            self.finish()
            return
        if self._unsent_pages_kept() or self._unfinished_signup_kept(self.go_home):
            return
        self.info = None
        if (self.visitors.checked is not None or self.visitors.ticket is not None or self.visitors.left is not None
                or self.documents.session.sent is not None or self.signup.signup.sent is not None
                or self.report.report.sent is not None):
            self.finish()  # a finished check-in or a scan: the next person starts clean
            return
        self.visitors.reset()
        self.documents.reset()
        self.report.reset()
        self.show("home", "right")

    def finish(self) -> None:
        """The person is done: after a journey they completed, one chance to say how it went
        (never in the way: leaving the feedback screen wipes); then wipe everything and
        return to the attract screen."""
        if self._unsent_pages_kept() or self._unfinished_signup_kept(self.finish):
            return
        journey = self.completed_journey()
        if (journey and self.feedback is not None and self.feedback_journey is None
                and not self.sm.current.startswith("staff_") and not self.staff_mode):
            self.feedback_journey = journey
            self.show("feedback")
            return
        self.wipe()

    def completed_journey(self) -> str | None:
        """The journey this resident completed, if any (for the feedback question)."""
        if self.documents.session.sent is not None:
            return "documents"
        if self.signup.signup.sent is not None and self.signup.signup.accepted:
            return "signup"
        if self.report.report.sent is not None:
            return "report"
        if self.visitors.ticket is not None:
            return "appointments"
        if self.visitors.checked is not None or self.visitors.left is not None:
            return "visitors"
        if self.info_pages_read:
            return "information"
        return None

    def send_feedback(self, answer) -> None:
        """Queue the resident's answer (anonymous); `Invalid` when there is nothing to send."""
        self.feedback.send(answer, tr.lang)
        self.sync.nudge()

    # ----- shared-terminal rules ------------------------------------------------------
    def _on_touch(self, *_args):
        self.idle.touch()
        self.keynav.clear()  # the ring is for keyboard users only
        return False

    def _on_key_down(self, _window, key, _scancode, _codepoint, modifiers):
        self.idle.touch()
        return self.keynav.on_key_down(key, modifiers)

    def _update_status_line(self) -> None:
        # Babel (CLDR) writes the day and month in the resident's language.
        when = date_time_words(datetime.now(), tr.lang, weekday=True)
        self.status_line = f"{when}  ·  {self.sync.short_status()}"

    def _on_sync_change(self) -> None:
        self._update_status_line()
        if self.root is not None and self.sm.current == "staff_panel":
            self.sm.current_screen.refresh()

    def on_start(self):
        self.sync.start()

    def on_stop(self):
        self.sync.stop()

    def _tick(self, _dt) -> None:
        self._update_status_line()
        try:
            self.visitors.housekeeping()
        except Exception as exc:  # noqa: BLE001 - housekeeping must never stop the kiosk
            log.warning("visitor housekeeping failed: %s", type(exc).__name__)
        state = self.idle.poll()
        if state.phase == "warning":
            self._show_idle_warning(state.seconds_left)
        elif state.phase == "expired":
            self.wipe()
        elif self.idle_warning is not None:
            self.idle_warning.dismiss()
            self.idle_warning = None

    def _show_idle_warning(self, seconds_left: int) -> None:
        if self.idle_warning is None:
            self.keyboard.close()  # also ends typing in its field
            self.idle_warning = IdleWarning(
                seconds_total=self.idle.warning,
                more_time_action=self.more_time,
                finish_action=self.finish,
            )
            self.idle_warning.open(animation=False)
        self.idle_warning.seconds_left = seconds_left

    def more_time(self) -> None:
        self.idle.extend()
        if self.idle_warning is not None:
            self.idle_warning.dismiss(animation=False)
            self.idle_warning = None

    def wipe(self) -> None:
        """End the session: rebuild every screen, clear all fields and scratch files."""
        self.idle.stop()
        self.idle_warning = None
        for widget in list(Window.children):  # the idle warning and any open question
            if isinstance(widget, (IdleWarning, ConfirmDialog, ChoiceDialog)):
                widget.dismiss(animation=False)
        # Every screen built for this person, not only the one showing: nothing they typed
        # may outlive the wipe, even in a screen something still holds for a moment (Kivy's
        # scroll-bar fades and finished transitions keep widgets about).
        for tree in [self.root, *self.sm.screens]:
            for widget in tree.walk():
                Animation.cancel_all(widget)
                if isinstance(widget, KioskTextInput):
                    widget.focus = False
                    widget.forget()
        self.keyboard.close()
        self.info = None
        self.info_pages_read = 0
        self.feedback_journey = None
        self.visitors.reset()
        self.documents.reset()
        self.signup.reset()
        self.report.reset()
        self.staff_mode = False
        self.session.wipe()
        self._set_transition(0)
        old_screens = list(self.sm.screens)
        self.sm.clear_widgets()
        for screen in old_screens:   # their widgets go now, even if the screen object lingers
            # Their kv rules' bindings go too, at once: those on the shared theme would
            # otherwise wait for the collector, and a theme change in between would run a
            # rule whose screen is already gone.
            for widget in screen.walk():
                Builder.unbind_widget(widget.uid)
            screen.clear_widgets()
        self._build_screens()
        # Kivy caches rendered text by its content; drop any that held what was typed.
        for category in ("textinput.label", "textinput.width"):
            Cache.remove(category)
        try:
            Clipboard.copy("")
        except Exception:  # no clipboard provider on some devices
            pass
        theme.set_contrast(self.settings["high_contrast"])
        theme.set_text_size(self.settings["text_size"])
        self.switch_language(self.settings["language"])
        self.wipes += 1
        # Collect the old screens now, in the wipe's own frame (nobody is mid-tap: they
        # just left), rather than let the garbage grow into a collection during the next
        # person's screen changes; and once more when this frame's own references are gone,
        # only if the attract screen is still waiting then.
        gc.collect()
        Clock.schedule_once(self._collect_if_waiting, 0.5)

    # ----- language and display -------------------------------------------------------
    def switch_language(self, lang: str) -> None:
        if lang not in self.available_languages:
            return
        tr.switch(lang)
        self._build_language_bar()
        self._update_status_line()
        screen = self.sm.current_screen
        if screen is not None:
            screen.refresh()

    def cycle_text_size(self) -> None:
        theme.set_text_size(theme.next_text_size())

    def toggle_contrast(self) -> None:
        theme.set_contrast(not theme.high_contrast)

    def qr_texture(self, url: str):
        """A QR code for a public link (never for anything personal), cached."""
        if url not in self._qr_cache:
            self._qr_cache[url] = qr_code_texture(url)
        return self._qr_cache[url]

    # ----- staff mode -----------------------------------------------------------------
    def open_staff(self) -> None:
        self.idle.start()
        self.show("staff_pin")

    def staff_try_pin(self, pin: str) -> tuple[str, bool]:
        """Check a PIN; returns the message to show and whether it is an error."""
        if not pin:
            return tr._("Type your PIN, then touch Unlock."), True
        result = self.pin_gate.attempt(pin)
        if result.ok:
            self.staff_mode = True
            self.show("staff_panel")
            return "", False
        if result.locked:
            minutes = max(1, (result.locked_for + 59) // 60)
            return tr.n_(
                "Too many wrong tries. Please wait {n} minute and try again.",
                "Too many wrong tries. Please wait {n} minutes and try again.",
                minutes,
            ).format(n=minutes), True
        return tr.n_(
            "That PIN is not right. {n} try left.",
            "That PIN is not right. {n} tries left.",
            result.attempts_left,
        ).format(n=result.attempts_left), True

    def staff_help_signup(self) -> None:
        if self.staff_mode and self.signup.available:
            self.signup.reset()
            self.show("su_volunteer")

    def start_assisted_signup(self, volunteer: str) -> None:
        """A volunteer (signed in to staff mode) starts a signup beside a resident; their name
        goes with it as "assisted by". The journey then runs as the resident's own."""
        from kiosk.core.residents import _
        from kiosk.core.residents.validate import Invalid, clean_text

        if not self.staff_mode:
            return
        try:
            name = clean_text(volunteer, 60, "volunteer", _("That is too long. Please shorten it."))
        except Invalid:
            name = ""
        if len(name) < 2:
            self.signup.say(_("Please type your name."), "volunteer")
            return
        self.staff_mode = False
        self.signup.start(assisted_by=name)

    def staff_set(self, key: str, value) -> None:
        if not self.staff_mode:
            return
        self.settings.set(key, value)
        if key == "text_size":
            theme.set_text_size(value)
        elif key == "high_contrast":
            theme.set_contrast(value)
        self.sm.get_screen("staff_panel").refresh()

    def status_summary(self) -> list[tuple[str, str]]:
        s = device_status(self.data_dir)
        cfg = self.device_config
        lines = [
            (tr._("Site"), cfg.site.name),
            (tr._("Device"), cfg.site.device_name),
            (tr._("App version"), s.app_version),
            (tr._("Information pages"), tr._("version {version}").format(version=self.content.version)),
            (tr._("Central service"), self.sync.identity.central_url if self.sync.identity else cfg.central.url),
            (tr._("Free disk space"), tr._("{mb} MB").format(mb=s.disk_free_mb)),
            (tr._("Memory in use"), tr._("{mb} MB").format(mb=s.memory_mb)),
            (tr._("Running for"), tr.n_("{n} minute", "{n} minutes", s.uptime_minutes).format(n=s.uptime_minutes)),
        ]
        lines += self.sync.panel_lines()
        if cfg.uses_demo_pin:
            lines.append((tr._("Warning"), tr._("this device still uses the demo PIN")))
        return lines

    def confirm_exit(self) -> None:
        if not self.staff_mode:
            return
        ConfirmDialog(
            title=tr._("Exit kiosk mode?"),
            message=tr._("The kiosk will close. Residents cannot use it until it is started again."),
            yes_label=tr._("Exit"),
            no_label=tr._("Cancel"),
            yes_action=self.stop,
        ).open()

    # ----- staff: visitors on site and the fire roll-call ------------------------------
    def staff_visitor_actions(self, visit_id: str) -> None:
        if not self.staff_mode or not self.visitors.available:
            return
        desk = self.visitors.desk
        visit = desk.register.get(visit_id)
        if visit is None:
            return
        choices = [(tr._("Sign them out"), "danger", lambda: self._staff_sign_out(visit_id))]
        if desk.printer.available:
            choices.insert(0, (tr._("Reprint badge"), "primary", lambda: self._staff_reprint(visit_id)))
        ChoiceDialog(choices, tr._("Cancel"), title=visit.name,
                     message=tr._("Visiting {host}").format(host=visit.host)).open()

    def _staff_notice(self, screen: str, text: str) -> None:
        target = self.sm.get_screen(screen)
        target.notice = text
        target.refresh()

    def _staff_reprint(self, visit_id: str) -> None:
        from kiosk.core.printing import PrintError
        from kiosk.ui.visitors import badge_labels

        desk = self.visitors.desk
        visit = desk.register.get(visit_id)
        if visit is None:
            return
        try:
            desk.print_badge(visit, badge_labels(), self.visitors.long_date(), again=True)
            self._staff_notice("staff_visitors", tr._("The badge is printing."))
        except PrintError:
            self._staff_notice("staff_visitors", tr._("The printer did not answer. Check it is on and has labels."))

    def _staff_sign_out(self, visit_id: str) -> None:
        try:
            visit = self.visitors.desk.sign_out(visit_id, "staff")
        except SyncError:
            self.sync.storage_changed()
            self._staff_notice("staff_visitors", tr._(CANNOT_SAVE))
            return
        if visit is not None:
            self._staff_notice("staff_visitors", tr._("{name} is signed out.").format(name=visit.name))

    def staff_start_roll_call(self) -> None:
        """Everyone on site now, from this kiosk's register (works offline); anyone central knows
        of who signed in at another kiosk of this site is added when it answers."""
        if not self.staff_mode or not self.visitors.available:
            return
        flow = self.visitors
        flow.roll = flow.desk.start_roll_call()
        self.sm.get_screen("staff_rollcall").notice = ""
        self.show("staff_rollcall")
        client = self.sync.client
        if client is None:
            return
        roll = flow.roll

        def ask() -> None:
            try:
                view = [v.model_dump() for v in client.on_site().visits]
            except Exception:  # noqa: BLE001 - offline or central busy: the local list stands
                view = None
            Clock.schedule_once(lambda _dt: self._roll_call_central(roll, view), 0)

        import threading

        threading.Thread(target=ask, name="roll-call", daemon=True).start()

    def _roll_call_central(self, roll, view) -> None:
        if self.visitors.roll is not roll:
            return
        screen = self.sm.get_screen("staff_rollcall")
        if view is None:
            screen.notice = tr._("Central could not be reached: this list is everyone signed in at this kiosk.")
        else:
            added = self.visitors.desk.merge_central(roll, view)
            screen.notice = tr.n_("Central added {n} person signed in at another kiosk.",
                                  "Central added {n} people signed in at other kiosks.", added).format(n=added) \
                if added else tr._("Central agrees: everyone on site is listed.")
        screen.refresh()

    def staff_toggle_safe(self, visit_id: str) -> None:
        roll = self.visitors.roll
        if roll is None:
            return
        person = next((p for p in roll.people if p["visit_id"] == visit_id), None)
        if person is not None:
            self.visitors.desk.mark_safe(roll, visit_id, not person["safe"])
            self.sm.get_screen("staff_rollcall").refresh()

    def _roll_call_words(self):
        return ([tr._("Name"), tr._("Organisation"), tr._("Visiting"), tr._("Safe")], tr._("yes"), tr._("not yet"))

    def staff_print_roll_call(self) -> None:
        from kiosk.core.printing import PrintError

        flow, screen = self.visitors, self.sm.get_screen("staff_rollcall")
        if flow.roll is None:
            return
        if not flow.desk.printer.available:
            screen.notice = tr._("No printer is set up at this kiosk. Use Export instead.")
            return
        headings, yes, no = self._roll_call_words()
        subtitle = f"{self.device_config.site.name} · {date_time_words(datetime.now(), tr.lang)}"
        try:
            pdf = flow.desk.roll_call_pdf(flow.roll, tr._("Fire roll-call"), subtitle, headings, yes, no)
            flow.desk.printer.print_pdf(pdf, "roll-call")
            screen.notice = tr._("The list is printing.")
        except PrintError:
            screen.notice = tr._("The printer did not answer. Check it is on and has paper.")

    def staff_export_roll_call(self) -> None:
        flow, screen = self.visitors, self.sm.get_screen("staff_rollcall")
        if flow.roll is None:
            return
        folder = self.device_config.visitors.export_folder
        if not folder or not Path(folder).is_dir():
            screen.notice = tr._("No export folder is available. Insert the USB stick set up for this kiosk.")
            return
        headings, yes, no = self._roll_call_words()
        name = f"roll-call-{datetime.now():%Y%m%d-%H%M}.csv"
        try:
            target = Path(folder) / name
            target.write_bytes(flow.desk.roll_call_csv(flow.roll, headings, yes, no))
            target.chmod(0o600)
            screen.notice = tr._("Saved as {name}.").format(name=name)
        except OSError:
            screen.notice = tr._("The list could not be saved. Check the USB stick.")

    def staff_finish_roll_call(self) -> None:
        flow = self.visitors
        if flow.roll is None:
            return
        flow.desk.finish_roll_call(flow.roll)
        flow.roll = None
        self.show("staff_panel", "right")

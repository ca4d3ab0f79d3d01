"""The Kivy application: owns the window, the screens, navigation and the person's session.

Each journey is a flow (`kiosk.ui.journeys`), its steps in `kiosk.core.journeys`; this class
builds them, shows the screen a flow asks for, sends Back and Home to the flow showing, and
wipes everything when the person leaves.
"""

from __future__ import annotations

import gc
import logging
from datetime import datetime
from pathlib import Path

from kivy.app import App
from kivy.clock import Clock
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
from kiosk.core.journeys import CAMERA, CATEGORIES, ENROLLED, LETTERS
from kiosk.core.paths import KV_DIR
from kiosk.core.pin import PinGate
from kiosk.core.session import Session
from kiosk.core.settings import DeviceSettings
from kiosk.ui.i18n import tr
from kiosk.ui.journeys import journey_flows, screen_classes
from kiosk.ui.keynav import KeyboardNavigation
from kiosk.ui.staff import StaffFlow
from kiosk.ui.syncing import KioskSync
from kiosk.ui.theme import theme
from kiosk.ui.warmup import collect_if_waiting, warm_up
from kiosk.ui.widgets import BarButton, ChoiceDialog, ConfirmDialog, IdleWarning, forget_typed

_KV_LOADED = False
log = logging.getLogger("kiosk")


def load_kv() -> None:
    """Load the kv rules once per process."""
    global _KV_LOADED
    if not _KV_LOADED:
        for name in ("widgets.kv", "screens.kv", "visitors.kv", "documents.kv", "residents.kv", "progress.kv",
                     "letters.kv", "feedback.kv"):
            Builder.load_file(str(KV_DIR / name))
        _KV_LOADED = True


class KioskApp(App):
    """The kiosk: attract screen, home, the journeys, idle wipe and staff mode."""

    title = "hubkiosk"
    show_navigation = BooleanProperty(False)
    show_back = BooleanProperty(True)
    show_home = BooleanProperty(True)
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
        self.idle = IdleMonitor(device_config.idle.timeout_seconds, device_config.idle.warning_seconds)
        self.pin_gate = PinGate(device_config.staff.pin_hash, self.data_dir / "staff-pin.json",
                                max_attempts=device_config.staff.max_attempts,
                                lockout_seconds=device_config.staff.lockout_seconds)
        self.flows = journey_flows(self)
        self.staff = StaffFlow(self)
        flows = self.flows
        self.info, self.visitors, self.appointments = flows["information"], flows["visitors"], flows["appointments"]
        self.documents, self.signup, self.report = flows["documents"], flows["signup"], flows["report"]
        self.letters, self.progress = flows["letters"], flows["progress"]
        self.feedback = (FeedbackBox(self.sync.outbox, self.sync.identity.site) if self.sync.enrolled else None)
        self.feedback_journey: str | None = None   # the journey the feedback screen asks about
        self.idle_warning: IdleWarning | None = None
        self.transition_seconds = 0.18
        self.wipes = 0
        self.prebuild_screens = True   # build the screens in the background after each wipe
        self._warmed = False

    @property
    def all_flows(self):
        return [*self.flows.values(), self.staff]

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
        self.sm.factories = screen_classes(self.all_flows)
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
        warm_up(self)
        self._warmed = True
        if self.prebuild_screens:
            self.sm.build_in_background()

    def _build_screens(self) -> None:
        self.sm.current = "attract"
        self.show_navigation = False
        if self._warmed and self.prebuild_screens:
            self.sm.build_in_background()

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
        screen = self.sm.get_screen(name)
        self.show_navigation, self.show_back, self.show_home = screen.navigation, screen.back_button, screen.home_button
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

    def owner_of(self, screen: str):
        """The flow whose step `screen` is (None for the attract, home and feedback screens)."""
        return next((flow for flow in self.all_flows if flow.owns(screen)), None)

    def start_session(self, lang: str | None) -> None:
        if lang:
            self.switch_language(lang)
        self.idle.start()
        self.show("home")

    def has(self) -> set[str]:
        """What this kiosk has now, that journeys may need (kiosk.core.journeys)."""
        has = set()
        if self.sync.enrolled:
            has.add(ENROLLED)
            if self.documents.camera.available:
                has.add(CAMERA)
            if len(self.report.categories()) > 0:
                has.add(CATEGORIES)
            if len(self.letters.guides()) > 0:
                has.add(LETTERS)
        return has

    def journeys(self) -> list:
        """The flows of the journeys this kiosk offers now, in its configured order."""
        has = self.has()
        return [self.flows[name] for name in self.device_config.journeys if self.flows[name].offered(has)]

    def open_journey(self, name: str) -> None:
        self.flows[name].start()

    def back(self) -> None:
        flow = self.owner_of(self.sm.current)
        if flow is not None:
            if not flow.back():
                flow.leave()
        elif self.sm.current == "feedback" and self.sm.current_screen.back():
            return
        else:
            self.go_home()

    def _asked_before_leaving(self, then) -> bool:
        return any(flow.before_leaving(then) for flow in self.all_flows)

    def go_home(self) -> None:
        if self.staff.over or self.owner_of(self.sm.current) is self.staff:
            self.finish()
            return
        if self._asked_before_leaving(self.go_home):
            return
        if any(flow.over for flow in self.all_flows):
            self.finish()  # a finished check-in or a scan: the next person starts clean
            return
        for flow in self.flows.values():
            if flow is not self.info:   # what they read counts towards the feedback question
                flow.reset()
        self.info.browse = None
        self.show("home", "right")

    def finish(self) -> None:
        """The person is done: after a journey they completed, one chance to say how it went
        (never in the way: leaving the feedback screen wipes); then wipe everything and
        return to the attract screen."""
        if self._asked_before_leaving(self.finish):
            return
        journey = self.completed_journey()
        if journey and self.feedback is not None and self.feedback_journey is None and not self.staff.over:
            self.feedback_journey = journey
            self.show("feedback")
            return
        self.wipe()

    def completed_journey(self) -> str | None:
        """The journey this person completed, if any (for the feedback question): the last
        one listed, so reading a page on the way to a task does not count over the task."""
        return next((flow.name for flow in reversed(self.flows.values()) if flow.completed), None)

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
            self.idle_warning = IdleWarning(seconds_total=self.idle.warning, more_time_action=self.more_time,
                                            finish_action=self.finish)
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
        forget_typed([self.root, *self.sm.screens])
        self.keyboard.close()
        self.feedback_journey = None
        for flow in self.all_flows:
            flow.reset()
        self.session.wipe()
        self.sm.discard_all()
        self._build_screens()
        theme.set_contrast(self.settings["high_contrast"])
        theme.set_text_size(self.settings["text_size"])
        self.switch_language(self.settings["language"])
        self.wipes += 1
        # Collect the old screens now, in the wipe's own frame (nobody is mid-tap: they
        # just left), rather than let the garbage grow into a collection during the next
        # person's screen changes; and once more when this frame's own references are gone,
        # only if the attract screen is still waiting then.
        gc.collect()
        Clock.schedule_once(lambda _dt: collect_if_waiting(self), 0.5)

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

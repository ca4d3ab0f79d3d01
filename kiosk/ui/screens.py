"""The kiosk's screens. Each renders one step and forwards touches to the app; no rules here.

Layout of each screen is the kv rule of the same name in `assets/kv/screens.kv`.
"""

from __future__ import annotations

from kivy.app import App
from kivy.clock import Clock
from kivy.lang import Builder
from kivy.properties import BooleanProperty, ObjectProperty, StringProperty
from kivy.uix.label import Label
from kivy.uix.screenmanager import NoTransition, Screen, ScreenManager
from kivy.uix.stencilview import StencilView

from kiosk.core.content import parse_body
from kiosk.core.i18n import LANGUAGES
from kiosk.ui.i18n import tr
from kiosk.ui.widgets import KioskButton, KioskTextInput, PageRow, Tile, label_of, public_qr_texture


def app():
    return App.get_running_app()


class LazyScreenManager(ScreenManager, StencilView):
    """Builds a screen the first time it is asked for (`factories`: name -> class).

    It clips what it draws to its own box: while the keyboard is up the screens have less
    room, and nothing of theirs may show over the bars (the layout check makes sure the
    field being typed in stays in view).

    After a wipe only the attract screen is built at once, so the wipe stays one short
    frame however many screens the kiosk has; the app then builds the others one per frame
    while the attract screen waits, and any not built yet is built when first shown."""

    factories: dict = {}
    _generation = 0

    def get_screen(self, name):
        if not self.has_screen(name) and name in self.factories:
            self.add_widget(self.factories[name](name=name))
        return super().get_screen(name)

    def build_in_background(self) -> None:
        """Build the screens not built yet, one per frame, while nobody is waiting."""
        self._generation += 1
        generation = self._generation
        Clock.schedule_once(lambda _dt: self._build_next(generation), 0.3)

    def _build_next(self, generation: int) -> None:
        if generation != self._generation:
            return  # a newer wipe started its own round
        missing = [name for name in self.factories if not self.has_screen(name)]
        if not missing:
            return
        if not self.transition.is_active:
            self.get_screen(missing[0])
        Clock.schedule_once(lambda _dt: self._build_next(generation), 0)

    def discard_all(self) -> None:
        """Take every screen away, and with it every widget and kv binding it made."""
        self._generation += 1   # any round of building still running stops
        self.transition.stop()
        self.transition = NoTransition()
        old_screens = list(self.screens)
        self.clear_widgets()
        for screen in old_screens:   # their widgets go now, even if the screen object lingers
            # Their kv rules' bindings go too, at once: those on the shared theme would
            # otherwise wait for the collector, and a theme change in between would run a
            # rule whose screen is already gone.
            for widget in screen.walk():
                Builder.unbind_widget(widget.uid)
            screen.clear_widgets()


class KioskScreen(Screen):
    """Base screen: `refresh()` redraws text built in Python (after a language change)."""

    #: Whether the bottom bar shows Back / Home / Finish on this screen, and of them Back and Home.
    navigation = True
    back_button = True
    home_button = True

    def refresh(self) -> None:
        """Rebuild content that kv rules cannot re-translate by themselves."""

    def on_pre_enter(self, *_args):
        self.refresh()

    def on_enter(self, *_args):
        # The manager skips screens in a transition when it moves (the keyboard opening
        # or closing moves it), so settle the position once the screen has arrived.
        if self.manager is not None:
            self.pos = self.manager.pos


class FlowScreen(KioskScreen):
    """A screen showing one step of a flow (the one `journey()` returns: the flow that owns
    this screen's name): the flow's message for it, and "Step n of m" where the step has one."""

    message = StringProperty("")
    field = StringProperty("")
    step_text = StringProperty("")

    # The fields (their kv ids) an answer's name stands for, where the two differ.
    FIELD_IDS = {"first_name": ("first",), "last_name": ("last",), "dob": ("day", "month", "year"),
                 "host": ("search",), "where": ("search",), "phone": ("mobile",)}

    def journey(self):
        return app().owner_of(self.name)

    def refresh(self) -> None:
        flow = self.journey()
        self.message, self.field = flow.message, flow.field
        self.step_text = flow.step_text(self.name[len(flow.prefix):])
        wrong = self.FIELD_IDS.get(self.field, (self.field,)) if self.message else ()
        fields = {name: w for name, w in self.ids.items() if isinstance(w, KioskTextInput)}
        for name, widget in fields.items():
            widget.error = name in wrong
        # GOV.UK: the message again beside the field it is about, under its label and hint;
        # a group of fields (the date of birth's three) has a `FieldError` of its own,
        # `<answer>_error`.
        labels = {name: label_of(widget) for name, widget in fields.items()}
        groups = {name[:-len("_error")]: w for name, w in self.ids.items() if name.endswith("_error")}
        beside = groups.get(self.field) or next((labels[n] for n in wrong if labels.get(n) is not None), None)
        for label in [*filter(None, labels.values()), *groups.values()]:
            label.error = self.message if (self.message and label is beside) else ""


class CameraScreen(FlowScreen):
    """A screen with its flow's live camera (`camera`, `start_camera()`, `stop_camera()`):
    it runs only while the screen is showing."""

    texture = ObjectProperty(None, allownone=True)
    camera_on = BooleanProperty(False)
    camera_failed = BooleanProperty(False)

    def on_enter(self, *args):
        super().on_enter(*args)
        flow = self.journey()
        feed = flow.camera
        flow.start_camera()
        self.camera_on = feed.running
        self.camera_failed = feed.failed
        feed.bind(texture=self._texture)

    def on_leave(self, *_args):
        flow = self.journey()
        flow.camera.unbind(texture=self._texture)
        flow.stop_camera()
        self.texture = None
        self.camera_on = False

    def _texture(self, _feed, texture) -> None:
        self.texture = texture


class AttractScreen(KioskScreen):
    navigation = False

    def refresh(self) -> None:
        grid = self.ids.languages
        grid.clear_widgets()
        for code in app().available_languages:
            button = KioskButton(
                label=f"{LANGUAGES[code]}\n{tr.catalogues.gettext(code, 'Touch to start')}",
                kind="selected" if code == tr.lang else "secondary",
            )
            button.bind(on_release=lambda _b, c=code: app().start_session(c))
            grid.add_widget(button)

    def on_touch_up(self, touch):
        if super().on_touch_up(touch):
            return True
        if self.collide_point(*touch.pos) and self.manager and self.manager.current == self.name:
            app().start_session(None)
            return True
        return False


class HomeScreen(KioskScreen):
    back_button = home_button = False   # already home: Finish is the way out
    def refresh(self) -> None:
        grid = self.ids.tiles
        grid.clear_widgets()
        for flow in app().journeys():
            title, summary, icon = flow.tile()
            tile = Tile(title=title, summary=summary, icon=icon, item_id=flow.name)
            tile.bind(on_release=lambda t: app().open_journey(t.item_id))
            grid.add_widget(tile)


class InfoTopicsScreen(KioskScreen):
    def refresh(self) -> None:
        pack = app().content
        grid = self.ids.topics
        grid.clear_widgets()
        for topic in pack.topics:
            text = pack.text(tr.lang, topic.id)
            tile = Tile(title=text.title, summary=text.summary, icon=topic.icon, item_id=topic.id)
            tile.bind(on_release=lambda t: app().info.choose_topic(t.item_id))
            grid.add_widget(tile)

    def submit_search(self) -> None:
        app().info.search(self.ids.query.text)


def _fill_rows(container, pack, page_ids) -> None:
    container.clear_widgets()
    for page_id in page_ids:
        text = pack.text(tr.lang, page_id)
        row = PageRow(title=text.title, summary=text.summary, item_id=page_id)
        row.bind(on_release=lambda r: app().info.open_page(r.item_id))
        container.add_widget(row)


class InfoTopicScreen(KioskScreen):
    title = StringProperty("")

    def refresh(self) -> None:
        journey = app().info.browse
        if journey is None or journey.current.topic_id is None:
            return
        pack = app().content
        topic = pack.topic(journey.current.topic_id)
        self.title = pack.text(tr.lang, topic.id).title
        _fill_rows(self.ids.pages, pack, topic.pages)


class InfoResultsScreen(KioskScreen):
    query = StringProperty("")
    count = ObjectProperty(0)

    def refresh(self) -> None:
        journey = app().info.browse
        if journey is None or journey.step != "results":
            return
        self.query = journey.current.query
        self.count = len(journey.current.results)
        _fill_rows(self.ids.pages, app().content, journey.current.results)


class InfoPageScreen(KioskScreen):
    title = StringProperty("")
    link_label = StringProperty("")
    url = StringProperty("")
    qr_texture = ObjectProperty(None, allownone=True)

    def refresh(self) -> None:
        journey = app().info.browse
        if journey is None or journey.current.page_id is None:
            return
        pack = app().content
        page = pack.pages[journey.current.page_id]
        text = pack.text(tr.lang, page.id)
        self.title = text.title
        self.link_label = text.link_label
        self.url = page.url
        self.qr_texture = public_qr_texture(page.url)
        body = self.ids.body
        body.clear_widgets()
        for block in parse_body(text.body):
            body.add_widget(BodyBlock(kind=block.kind, text=block.text))
        self.ids.scroll.scroll_y = 1


class StatusLabel(Label):
    """One cell of the staff panel's device status table."""


class BodyBlock(Label):
    """One heading, paragraph or bullet of a content page."""

    kind = StringProperty("paragraph")


class StaffPinScreen(KioskScreen):
    message = StringProperty("")
    error = ObjectProperty(False)

    def on_pre_enter(self, *_args):
        self.ids.pin.forget()
        self.message = ""
        self.error = False

    def on_enter(self, *_args):
        super().on_enter()
        self.ids.pin.focus = True

    def submit(self) -> None:
        pin = self.ids.pin.text
        self.ids.pin.forget()
        self.message, self.error = app().staff.try_pin(pin)
        if self.error and self.manager and self.manager.current == self.name:
            self.ids.pin.focus = True


class StaffPanelScreen(KioskScreen):
    def refresh(self) -> None:
        grid = self.ids.status
        grid.clear_widgets()
        for label, value in app().staff.status_summary():
            grid.add_widget(StatusLabel(text=label, bold=True))
            grid.add_widget(StatusLabel(text=str(value)))
        self.rebuild_choices()

    def rebuild_choices(self) -> None:
        a = app()
        langs = self.ids.languages
        langs.clear_widgets()
        for code in a.available_languages:
            b = KioskButton(label=LANGUAGES[code], kind="selected" if code == a.settings["language"] else "secondary")
            b.bind(on_release=lambda _b, c=code: a.staff.set("language", c))
            langs.add_widget(b)
        sizes = self.ids.sizes
        sizes.clear_widgets()
        for size, label in (("normal", tr._("Normal")), ("large", tr._("Large")), ("largest", tr._("Largest"))):
            b = KioskButton(label=label, kind="selected" if size == a.settings["text_size"] else "secondary")
            b.bind(on_release=lambda _b, s=size: a.staff.set("text_size", s))
            sizes.add_widget(b)
        contrast = self.ids.contrast
        contrast.clear_widgets()
        for value, label in ((False, tr._("Standard")), (True, tr._("High contrast"))):
            b = KioskButton(label=label, kind="selected" if value == a.settings["high_contrast"] else "secondary")
            b.bind(on_release=lambda _b, v=value: a.staff.set("high_contrast", v))
            contrast.add_widget(b)

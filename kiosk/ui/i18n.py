"""A translator that kv rules can watch, so every label re-renders when the language changes.

In kv: ``text: tr._("Touch to start")``. Kv binds to the pseudo-property ``_`` of `tr`;
`Translator.switch` calls every such binding. Bindings are removed again with their widgets
(Kivy's Builder calls `unbind_uid` from each widget's destructor), so rebuilding screens on
every wipe does not pile up callbacks.
"""

from __future__ import annotations

from kivy.event import Observable

from kiosk.core.i18n import SOURCE_LANGUAGE, Catalogues


class Translator(Observable):
    """Holds the current language and translates with the gettext catalogues."""

    def __init__(self, catalogues: Catalogues | None = None, lang: str = SOURCE_LANGUAGE) -> None:
        super().__init__()
        self.catalogues = catalogues or Catalogues.load()
        self.lang = lang
        self._observers: dict[int, tuple] = {}
        self._next_uid = 1
        self._listeners: list = []

    def _(self, text: str) -> str:
        return self.catalogues.gettext(self.lang, text)

    def n_(self, singular: str, plural: str, n: int) -> str:
        return self.catalogues.ngettext(self.lang, singular, plural, n)

    def fbind(self, name, func, *args, **kwargs):
        if name != "_":
            return super().fbind(name, func, *args, **kwargs)
        uid = self._next_uid
        self._next_uid += 1
        self._observers[uid] = (func, args, kwargs)
        return uid

    def funbind(self, name, func, *args, **kwargs):
        if name != "_":
            return super().funbind(name, func, *args, **kwargs)
        for uid, entry in list(self._observers.items()):
            if entry == (func, args, kwargs):
                del self._observers[uid]

    def unbind_uid(self, name, uid):
        if name != "_":
            return super().unbind_uid(name, uid)
        self._observers.pop(uid, None)

    @property
    def binding_count(self) -> int:
        return len(self._observers)

    def add_listener(self, callback) -> None:
        """Call `callback(lang)` after each switch (for text built in Python)."""
        self._listeners.append(callback)

    def switch(self, lang: str) -> None:
        """Change language and re-render every bound text."""
        self.lang = lang
        for func, args, _kwargs in list(self._observers.values()):
            try:
                func(*args, None, None)
            except ReferenceError:
                pass
        for callback in list(self._listeners):
            callback(lang)


tr = Translator()

"""The staff directory a visitor searches for their host (synced from central).

    >>> d = HostDirectory([Host("h1", "Priya Patel", "Planning")])
    >>> [h.name for h in d.search("pri")]
    ['Priya Patel']

Search starts at three letters, forgives typos and accents (rapidfuzz), and ranks a match
at the start of a first or last name above one in the middle of a word.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz, process

MIN_LETTERS = 3


@dataclass(frozen=True)
class Host:
    id: str
    name: str
    department: str = ""


def fold(text: str) -> str:
    """Lower case without accents: `Łukasz Wójcik` -> `lukasz wojcik`."""
    text = text.replace("ł", "l").replace("Ł", "L").replace("ø", "o").replace("Ø", "O")
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split())


class HostDirectory:
    def __init__(self, hosts: list[Host]) -> None:
        self.hosts = hosts
        self._by_id = {h.id: h for h in hosts}
        self._folded = [fold(h.name) for h in hosts]
        self._words = [f.split() for f in self._folded]

    @classmethod
    def from_reference(cls, data: dict | None) -> "HostDirectory":
        hosts = [Host(str(h["id"]), str(h["name"]), str(h.get("department", "")))
                 for h in (data or {}).get("hosts", []) if h.get("active", True)]
        return cls(hosts)

    def __len__(self) -> int:
        return len(self.hosts)

    def get(self, host_id: str) -> Host | None:
        return self._by_id.get(host_id)

    def search(self, query: str, limit: int = 6) -> list[Host]:
        return [self.hosts[i] for i in ranked(query, self._folded, self._words, limit)]


def ranked(query: str, folded: list[str], words: list[list[str]], limit: int, cutoff: float = 70) -> list[int]:
    """Indexes of the best matches for `query` among `folded` names (split into `words`):
    every typed word starting a word of the name first ("pri pat" -> Priya Patel), shorter
    names before longer; then near misses by rapidfuzz's WRatio, for typos."""
    q = fold(query)
    if len(q.replace(" ", "")) < MIN_LETTERS:
        return []
    terms = q.split()
    scored: dict[int, float] = {}
    for i, name_words in enumerate(words):
        if all(any(w.startswith(t) for w in name_words) for t in terms):
            scored[i] = 200.0 - len(folded[i]) / 100
    if len(scored) < limit:
        for _name, score, i in process.extract(q, folded, scorer=fuzz.WRatio, limit=limit * 2,
                                               score_cutoff=cutoff):
            scored.setdefault(i, float(score))
    return sorted(scored, key=lambda i: (-scored[i], folded[i]))[:limit]

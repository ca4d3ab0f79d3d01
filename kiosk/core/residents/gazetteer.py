"""The council's addresses and streets (its gazetteer), synced from central as reference data.

    >>> g = Gazetteer.from_reference({"addresses": [
    ...     {"uprn": "1", "lines": ["10 Mill Lane"], "town": "Riverside", "postcode": "RV1 2AB", "usrn": "9"},
    ...     {"uprn": "2", "lines": ["2 Mill Lane"], "town": "Riverside", "postcode": "RV1 2AB", "usrn": "9"}],
    ...     "streets": [{"usrn": "9", "name": "Mill Lane", "town": "Riverside"}]})
    >>> [a.text for a in g.at_postcode("rv12ab")]
    ['2 Mill Lane, Riverside', '10 Mill Lane, Riverside']
    >>> [s.name for s in g.streets_matching("mil")]
    ['Mill Lane']

Addresses at a postcode come in house-number order; street search starts at three letters
and forgives typos (rapidfuzz), like the staff directory's search.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kiosk.core.visitors.directory import fold, ranked


def _float(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if -180.0 <= number <= 180.0 else None


def _postcode_key(text: str) -> str:
    return "".join((text or "").upper().split())


@dataclass(frozen=True)
class Address:
    uprn: str
    lines: tuple[str, ...]
    town: str
    postcode: str
    usrn: str = ""
    lat: float | None = None
    lon: float | None = None

    @property
    def text(self) -> str:
        return ", ".join([*self.lines, self.town] if self.town else self.lines)

    def order(self) -> tuple:
        """Natural order: 2 Mill Lane before 10 Mill Lane; Flat 2 before Flat 10."""
        return tuple((int(part) if part.isdigit() else 0, part.casefold())
                     for part in re.split(r"(\d+)", " ".join(reversed(self.lines))) if part.strip())


@dataclass(frozen=True)
class Street:
    usrn: str
    name: str
    town: str = ""
    lat: float | None = None
    lon: float | None = None

    @property
    def text(self) -> str:
        return f"{self.name}, {self.town}" if self.town else self.name


class Gazetteer:
    def __init__(self, addresses: list[Address], streets: list[Street]) -> None:
        self.addresses = addresses
        self.streets = streets
        self._by_postcode: dict[str, list[Address]] = {}
        for address in addresses:
            self._by_postcode.setdefault(_postcode_key(address.postcode), []).append(address)
        for found in self._by_postcode.values():
            found.sort(key=Address.order)
        self._folded = [fold(s.text) for s in streets]
        self._words = [f.split() for f in self._folded]

    @classmethod
    def from_reference(cls, data: dict | None) -> "Gazetteer":
        data = data or {}
        addresses = [Address(str(a.get("uprn", "")), tuple(str(x) for x in a.get("lines", []) if x),
                             str(a.get("town", "")), str(a.get("postcode", "")), str(a.get("usrn", "")),
                             _float(a.get("lat")), _float(a.get("lon")))
                     for a in data.get("addresses", []) if a.get("lines")]
        streets = [Street(str(s.get("usrn", "")), str(s["name"]), str(s.get("town", "")),
                          _float(s.get("lat")), _float(s.get("lon")))
                   for s in data.get("streets", []) if s.get("name")]
        return cls(addresses, streets)

    def __bool__(self) -> bool:
        return bool(self.addresses or self.streets)

    def at_postcode(self, postcode: str) -> list[Address]:
        return list(self._by_postcode.get(_postcode_key(postcode), []))

    def point_of(self, postcode: str) -> tuple[float, float] | None:
        """The middle of a postcode's addresses, when the gazetteer knows where they are."""
        points = [(a.lat, a.lon) for a in self.at_postcode(postcode) if a.lat is not None and a.lon is not None]
        if not points:
            return None
        return (round(sum(p[0] for p in points) / len(points), 6), round(sum(p[1] for p in points) / len(points), 6))

    def streets_matching(self, query: str, limit: int = 6) -> list[Street]:
        return [self.streets[i] for i in ranked(query, self._folded, self._words, limit, cutoff=75)]

"""The street gazetteer kiosks search when a resident says where a problem is.

Imported from an LLPG / AddressBase extract as CSV with the columns

    uprn,lines,town,postcode,usrn,street,lat,lon

(`lines`: the address lines joined with " | "; `lat`/`lon`: WGS84 degrees). A row with an
empty `uprn` is a street without addresses of its own (a through road, a footpath): it
adds the street, at its own point. Each street's point is the mean of its addresses'.

    python -m central gazetteer FILE.csv --data DIR

Rows that cannot be used (no UPRN digits, no point, a postcode that is not a UK postcode)
are skipped and reported by line number, so one bad row never stops an import.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from central.publishing import publish
from sync.payloads import MAX_ADDRESS_LINES as MAX_LINES
from sync.payloads import tidy

DOCUMENT = "gazetteer"
COLUMNS = ("uprn", "lines", "town", "postcode", "usrn", "street", "lat", "lon")
# The UK postcode shape: outward code (area, district) and inward code (sector, unit).
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
_DIGITS = re.compile(r"^[0-9]{1,12}$")


class GazetteerError(ValueError):
    """An extract that cannot be imported at all (wrong columns, no usable rows)."""


def normal_postcode(text) -> str:
    """A postcode in its written form ("rv12ab" -> "RV1 2AB"), or "" if it is not one."""
    if not isinstance(text, str):
        return ""
    squeezed = re.sub(r"\s+", "", text).upper()
    match = _POSTCODE.match(squeezed)
    return f"{match.group(1)} {match.group(2)}" if match else ""


def _point(lat: str, lon: str) -> tuple[float, float] | None:
    try:
        point = float(lat), float(lon)
    except (TypeError, ValueError):
        return None
    if not all(math.isfinite(v) for v in point) or not (-90 <= point[0] <= 90 and -180 <= point[1] <= 180):
        return None
    return point


@dataclass
class Imported:
    """What an extract gave: the addresses and streets, and the line numbers skipped."""

    addresses: list[dict] = field(default_factory=list)
    streets: list[dict] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)

    def data(self) -> dict:
        """The `gazetteer` document's data (docs/residents.md)."""
        return {"addresses": self.addresses, "streets": self.streets}


def read_rows(rows: list[dict]) -> Imported:
    """Addresses and streets from extract rows (dicts with COLUMNS); bad rows skipped."""
    result = Imported()
    seen: set[str] = set()
    street_names: dict[str, Counter] = defaultdict(Counter)
    street_towns: dict[str, Counter] = defaultdict(Counter)
    street_points: dict[str, list[tuple[float, float]]] = defaultdict(list)
    own_points: dict[str, tuple[float, float]] = {}
    for number, row in enumerate(rows, start=2):  # line 1 is the header
        parsed = _row(row)
        if parsed is None:
            result.skipped.append(number)
            continue
        uprn, usrn, street, town, point, address = parsed
        if address is not None and uprn in seen:
            result.skipped.append(number)
            continue
        street_names[usrn][street] += 1
        street_towns[usrn][town] += 1
        if address is None:
            own_points.setdefault(usrn, point)
            continue
        seen.add(uprn)
        street_points[usrn].append(point)
        result.addresses.append(address)
    for usrn in street_names:
        points = street_points.get(usrn) or [own_points[usrn]]
        result.streets.append({
            "usrn": usrn, "name": street_names[usrn].most_common(1)[0][0],
            "town": street_towns[usrn].most_common(1)[0][0],
            "lat": round(sum(p[0] for p in points) / len(points), 5),
            "lon": round(sum(p[1] for p in points) / len(points), 5)})
    result.addresses.sort(key=lambda a: (a["postcode"], a["lines"][-1], a["lines"]))
    result.streets.sort(key=lambda s: (s["name"], s["town"], s["usrn"]))
    return result


def _clean(value) -> str:
    """A field as kiosks will send it back in records (`sync.payloads.tidy`)."""
    return tidy(str(value or ""))


def _row(row: dict):
    """(uprn, usrn, street, town, point, address or None for a street-only row), or None."""
    uprn, usrn = _clean(row.get("uprn")), _clean(row.get("usrn"))
    street, town = _clean(row.get("street"))[:120], _clean(row.get("town"))[:80]
    point = _point(row.get("lat"), row.get("lon"))
    if not _DIGITS.match(usrn) or not street or point is None:
        return None
    if not uprn:
        return "", usrn, street, town, point, None
    lines = [_clean(part)[:120] for part in str(row.get("lines") or "").split("|")]
    lines = [line for line in lines if line]
    if len(lines) > MAX_LINES:  # an address is at most six lines in a record: the rest join the last
        lines = lines[:MAX_LINES - 1] + [", ".join(lines[MAX_LINES - 1:])[:120]]
    postcode = normal_postcode(row.get("postcode"))
    if not _DIGITS.match(uprn) or not lines or not postcode:
        return None
    address = {"uprn": uprn, "lines": lines, "town": town, "postcode": postcode, "usrn": usrn,
               "lat": round(point[0], 6), "lon": round(point[1], 6)}
    return uprn, usrn, street, town, point, address


def read_csv(text: str) -> Imported:
    """An extract's CSV text (with a header row naming COLUMNS), read by `read_rows`."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise GazetteerError(f"the CSV lacks the column(s) {', '.join(missing)} (expected {','.join(COLUMNS)})")
    imported = read_rows(list(reader))
    if not imported.streets:
        raise GazetteerError("no usable rows: every row lacked a UPRN, USRN, street, postcode or point")
    return imported


def publish_gazetteer(conn, keys, imported: Imported):
    """Sign and publish the gazetteer for every kiosk; returns the signed document."""
    return publish(conn, keys, DOCUMENT, imported.data())


def places(data: dict | None) -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    """From published gazetteer data: UPRN -> USRN, and USRN -> (street name, town)."""
    data = data or {}
    by_uprn = {a.get("uprn"): a.get("usrn") for a in data.get("addresses") or [] if isinstance(a, dict)}
    streets = {s.get("usrn"): (s.get("name") or "", s.get("town") or "")
               for s in data.get("streets") or [] if isinstance(s, dict)}
    return by_uprn, streets

"""The gazetteer on a kiosk: a whole borough's addresses, kept encrypted as reference data.

    .venv/bin/python bench/gazetteer.py [--copies 70]

Builds a borough-sized gazetteer from the demo town (`--copies` towns of about 1,500
addresses and 40 streets, with their own postcodes and street names), signs and keeps it in
a real device database as a kiosk would, then measures: its size, reading it back (decrypt
and parse), building the `Gazetteer`, postcode look-ups, and street search as a resident
types a street name one letter at a time (target: <= 30 ms per keystroke, as host search).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from central.demo import gazetteer_rows  # noqa: E402
from central.gazetteer import read_rows  # noqa: E402
from central.keys import CouncilKeys  # noqa: E402
from kiosk.core.residents.gazetteer import Gazetteer  # noqa: E402
from kiosk.ui.sample import _signed  # noqa: E402
from sync.reference import ReferenceStore  # noqa: E402
from sync.store import open_db  # noqa: E402
from sync.vault import Vault  # noqa: E402
from bench._stats import percentile  # noqa: E402

WORDS = ["North", "South", "East", "West", "Upper", "Lower", "Old", "New", "Little", "Great"]


def borough(copies: int) -> dict:
    rows = []
    for i in range(copies):
        prefix = WORDS[i % len(WORDS)] + ("" if i < len(WORDS) else f" {i // len(WORDS) + 1}")
        for row in gazetteer_rows(seed=23 + i):
            row = dict(row)
            row["uprn"] = f"{i:03d}{row['uprn'][3:]}"
            row["usrn"] = f"{i:03d}{row['usrn'][3:]}"
            row["street"] = f"{prefix} {row['street']}"
            row["lines"] = row["lines"].replace(row["street"].split(" ", 1)[-1], row["street"], 1)
            district = f"R{chr(65 + i % 26)}{i // 26 + 1}"
            row["postcode"] = district + row["postcode"].split(" ")[0][3:] + " " + row["postcode"].split(" ")[1]
            rows.append(row)
    return read_rows(rows).data()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=70)
    parser.add_argument("--residents", type=int, default=300)
    args = parser.parse_args()
    data = borough(args.copies)
    keys = CouncilKeys.generate()
    with tempfile.TemporaryDirectory() as tmp:
        db = open_db(Path(tmp) / "kiosk.db")
        refs = ReferenceStore(db, keys.verify_b64, Vault.open(Path(tmp)))
        started = time.perf_counter()
        refs.accept(_signed(keys, "gazetteer", data))
        keep = time.perf_counter() - started
        size = db.execute("SELECT length(document) FROM reference WHERE name = 'gazetteer'").fetchone()[0]
        refs._cache.clear()
        started = time.perf_counter()
        kept = refs.get("gazetteer")
        read = time.perf_counter() - started
    started = time.perf_counter()
    gazetteer = Gazetteer.from_reference(kept)
    build = time.perf_counter() - started
    rng = random.Random(5)
    postcodes = sorted({a.postcode for a in gazetteer.addresses})
    lookups = []
    for postcode in rng.sample(postcodes, min(500, len(postcodes))):
        started = time.perf_counter()
        gazetteer.at_postcode(postcode)
        lookups.append((time.perf_counter() - started) * 1000)
    keystrokes, found_after = [], []
    for _ in range(args.residents):
        street = rng.choice(gazetteer.streets)
        name = street.name.lower()
        letters = None
        for n in range(1, len(name) + 1):
            started = time.perf_counter()
            shown = gazetteer.streets_matching(name[:n], limit=5)
            keystrokes.append((time.perf_counter() - started) * 1000)
            if letters is None and street in shown:
                letters = n
        found_after.append(letters or len(name))
    print(f"gazetteer: {len(gazetteer.addresses)} addresses, {len(gazetteer.streets)} streets, "
          f"{len(postcodes)} postcodes; kept encrypted {size / 1e6:.1f} MB")
    print(f"keep (verify, encrypt, store) {keep * 1000:.0f} ms; read back (decrypt, parse) {read * 1000:.0f} ms; "
          f"build {build * 1000:.0f} ms")
    print(f"postcode look-up: median {statistics.median(lookups):.3f} ms, p99 {percentile(lookups, 0.99):.3f} ms")
    print(f"street search per keystroke: median {statistics.median(keystrokes):.1f} ms, "
          f"p90 {percentile(keystrokes, 0.9):.1f} ms, p99 {percentile(keystrokes, 0.99):.1f} ms, "
          f"max {max(keystrokes):.1f} ms (target 30)")
    print(f"letters typed before the street is among the 5 shown: median {statistics.median(found_after):.0f}, "
          f"p90 {percentile(found_after, 0.9):.0f}")


if __name__ == "__main__":
    main()

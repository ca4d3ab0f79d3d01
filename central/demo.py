"""Demo and test data: a staff directory, today's invitations and appointments.

Names are made up from common first names and surnames across the communities a UK council
serves; any likeness to a real person is chance.
"""

from __future__ import annotations

import math
import random
from datetime import date

FIRST = """Aaliyah Abdul Adam Agnieszka Aisha Alan Alexandru Amara Amir Andrea Andrzej Angela Anil Anna
Arjun Ayesha Barbara Bogdan Carlos Catherine Chloe Chen Ciaran Daniel Deepa Diana Dmitri Elena Emeka
Emily Fatima Florin Gareth Georgi Grace Hannah Hassan Ioana Irena Jack James Jasmine Joanna Jonas
Julia Kamal Karolina Kwame Lakshmi Laura Liam Lina Lukasz Mairead Marek Maria Mateusz Mei Mohammed
Nadia Natalia Niamh Nikolai Olivia Omar Oluwaseun Paul Petra Priya Rachel Rahul Rasa Robert Ruth
Samuel Sanjay Sarah Sean Simona Siobhan Sophie Stefan Tariq Thomas Tomasz Uchenna Vytautas Wei
Yasmin Yusuf Zainab Zofia""".split()
LAST = """Abara Adeyemi Ahmed Ali Anderson Baker Banerjee Begum Bennett Brown Campbell Chowdhury Clarke
Collins Cooper Davies Dimitrov Doherty Edwards Evans Fernandes Fraser Georgieva Ghosh Green Hall Hughes
Hussain Ionescu Iqbal Jackson James Jankowski Jones Kaur Kazlauskas Khan Kowalski Kumar Lewis Lin
Martin McCarthy Mensah Mistry Mohamed Morgan Murphy Nowak Nwosu O'Brien Okafor Osei Patel Petrov
Popescu Price Qureshi Rahman Reid Roberts Robinson Rossi Scott Shah Singh Smith Stan Taylor Thomas
Thompson Turner Walker Ward Watson White Williams Wilson Wiśniewski Wójcik Wright Yilmaz Young Zielińska""".split()
DEPARTMENTS = ["Planning", "Housing", "Revenues and Benefits", "Environmental Health", "Highways",
               "Waste and Recycling", "Adult Social Care", "Children's Services", "Libraries",
               "Legal Services", "Finance", "Customer Services", "Regeneration", "Licensing",
               "Parks and Open Spaces", "IT Services"]
COMPANIES = ["Acme Facilities Ltd", "Northgate Surveyors", "Brightwater Housing Association",
             "Riverside Builders", "Keystone Legal LLP", "Greenway Landscapes", "Citywide Lifts",
             "Harbour Consulting", "Meridian IT Services", "Oakfield Care Partnership"]
SERVICES = [("Housing options", "H"), ("Council Tax", "C"), ("Benefits advice", "B"), ("Registrar", "R")]


def hosts(n: int = 300, seed: int = 7) -> list[dict]:
    """`n` staff: id, name, department, email (central keeps emails; kiosks get id, name, department)."""
    rng = random.Random(seed)
    seen, people = set(), []
    while len(people) < n:
        first, last = rng.choice(FIRST), rng.choice(LAST)
        name = f"{first} {last}"
        if name in seen and len(seen) < len(FIRST) * len(LAST) // 2:
            continue
        seen.add(name)
        number = len(people) + 1
        slug = f"{first}.{last}".lower().replace("'", "").replace("ś", "s").replace("ó", "o").replace("ń", "n")
        people.append({"id": f"h{number:05d}", "name": name, "department": rng.choice(DEPARTMENTS),
                       "email": f"{slug}{number}@riverside.gov.example"})
    return people


def invites(directory: list[dict], day: date, n: int = 4, seed: int = 11) -> list[dict]:
    """`n` invitations for `day` (visitor, company, host, email)."""
    rng = random.Random(seed)
    chosen = []
    for i in range(n):
        host = rng.choice(directory)
        first, last = rng.choice(FIRST), rng.choice(LAST)
        chosen.append({"visitor": f"{first} {last}", "company": COMPANIES[i % len(COMPANIES)],
                       "host_id": host["id"], "date": day.isoformat(),
                       "email": f"{first.lower()}.{i}@visitor.example"})
    return chosen


def appointments(day: date, n: int = 12, seed: int = 13) -> list[dict]:
    rng = random.Random(seed)
    found = []
    for i in range(n):
        service, prefix = SERVICES[i % len(SERVICES)]
        found.append({"reference": f"{prefix}A-{48200 + i * 7 + rng.randint(0, 6)}", "date": day.isoformat(),
                      "time": f"{9 + i // 3:02d}:{(i % 3) * 20:02d}", "service": service, "prefix": prefix})
    return found


# ----- the demo town's street gazetteer (fictional: Riverside, postcodes RV1-RV3) -------------------
STREETS = ["Mill Lane", "Church Street", "High Street", "Station Road", "Victoria Road", "Park Avenue",
           "Queen's Road", "King Street", "Albert Road", "Manor Road", "The Green", "School Lane",
           "Orchard Close", "Willow Way", "Meadow View", "Riverside Walk", "Bridge Street", "Chapel Lane",
           "Elm Grove", "Oak Avenue", "Beech Drive", "Cedar Close", "Hawthorn Road", "Kingfisher Way",
           "Canal Street", "Market Street", "Nelson Street", "Wellington Road", "Windsor Crescent", "York Road",
           "Granby Street", "St John's Road", "St Mary's Close", "Broad Street", "Greenfield Road", "Ashby Road",
           "Foxglove Close", "Heron Court", "Lime Tree Avenue", "Mulberry Gardens"]
CENTRE = (52.41, -1.50)
_UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # the letters UK postcodes use in their last two places
_METRES_PER_DEGREE = 111_320.0


def _street_addresses(rng, name: str) -> list[list[str]]:
    """Address lines along one street, in house-number order; some numbers are blocks of flats."""
    houses = rng.randint(16, 42)
    blocks = set(rng.sample(range(1, houses + 1), rng.choice((0, 1, 1, 2))))
    lines = []
    for number in range(1, houses + 1):
        if number in blocks:
            lines += [[f"Flat {flat}", f"{number} {name}"] for flat in range(1, rng.randint(6, 14) + 1)]
        else:
            lines.append([f"{number} {name}"])
    return lines


def gazetteer_rows(seed: int = 23) -> list[dict]:
    """The demo town as LLPG extract rows (uprn, lines, town, postcode, usrn, street, lat,
    lon), about 1,500 addresses on 40 streets, about 12 to a postcode; the same every time."""
    rng = random.Random(seed)
    used_postcodes: set[str] = set()
    rows = []
    for index, name in enumerate(STREETS):
        start = (CENTRE[0] + rng.uniform(-0.012, 0.012), CENTRE[1] + rng.uniform(-0.02, 0.02))
        angle, length = rng.uniform(0, math.pi), rng.uniform(150, 700)
        district = "RV1" if start[0] >= CENTRE[0] else ("RV2" if start[1] >= CENTRE[1] else "RV3")
        addresses = _street_addresses(rng, name)
        postcodes = [_new_postcode(rng, district, used_postcodes) for _ in range(max(1, round(len(addresses) / 12)))]
        for i, lines in enumerate(addresses):
            postcode = postcodes[i * len(postcodes) // len(addresses)]
            along = length * i / max(1, len(addresses) - 1)
            side = 12.0 if int(lines[-1].split()[0]) % 2 else -12.0
            north = along * math.sin(angle) + side * math.cos(angle)
            east = along * math.cos(angle) - side * math.sin(angle)
            lat = start[0] + north / _METRES_PER_DEGREE
            lon = start[1] + east / (_METRES_PER_DEGREE * math.cos(math.radians(start[0])))
            rows.append({"uprn": str(100091000000 + len(rows) + 1), "lines": " | ".join(lines), "town": "Riverside",
                         "postcode": postcode, "usrn": str(48000012 + index * 7), "street": name,
                         "lat": f"{lat:.6f}", "lon": f"{lon:.6f}"})
    return rows


def _new_postcode(rng, district: str, used: set[str]) -> str:
    while True:
        code = f"{district} {rng.randint(1, 9)}{rng.choice(_UNIT_LETTERS)}{rng.choice(_UNIT_LETTERS)}"
        if code not in used:
            used.add(code)
            return code

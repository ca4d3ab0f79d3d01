"""Demo and test data: a staff directory, today's invitations and appointments.

Names are made up from common first names and surnames across the communities a UK council
serves; any likeness to a real person is chance.
"""

from __future__ import annotations

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

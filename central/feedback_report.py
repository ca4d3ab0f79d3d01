"""Residents' feedback summed up for managers: by journey and by week, for some sites, and
drawn as SVG charts on the server (pygal), so they read without any script and each sits
beside a table of the same numbers.

    report = summary(conn, sites=None, since=date(2026, 9, 1))
    svg = chart(report, "stars")     # or "found", "weeks"
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import case, func, select

from central import db as tables
from sync.payloads import JOURNEY_NAMES



def _where(query, sites, since: date):
    query = query.where(tables.feedback.c.day >= since.isoformat())
    if sites is not None:
        query = query.where(tables.feedback.c.site.in_(sorted(sites)))
    return query


def summary(conn, sites: frozenset[str] | None, since: date) -> dict:
    """Answers by journey and by week (sums done by the database: one row per journey and day)."""
    f = tables.feedback.c
    yes = func.sum(case((f.found.is_(True), 1), else_=0))
    asked = func.count(f.found)
    stars, starred = func.sum(f.stars), func.count(f.stars)
    journeys: dict[str, dict] = {}
    weeks: dict[date, dict] = {}
    total = 0
    query = _where(select(f.journey, f.day, func.count(), yes, asked, stars, starred), sites, since).group_by(f.journey, f.day)
    for journey, day, n, n_yes, n_asked, n_stars, n_starred in conn.execute(query):
        total += n
        g = journeys.setdefault(journey, {"journey": journey, "name": JOURNEY_NAMES.get(journey, journey),
                                          "answers": 0, "yes": 0, "asked": 0, "stars": 0, "stars_answers": 0})
        monday = date.fromisoformat(day) - timedelta(days=date.fromisoformat(day).weekday())
        w = weeks.setdefault(monday, {"week": monday, "answers": 0, "stars": 0, "stars_answers": 0})
        for target in (g, w):
            target["answers"] += n
            target["stars"] += n_stars or 0
            target["stars_answers"] += n_starred
        g["yes"] += n_yes or 0
        g["asked"] += n_asked
    rows = []
    for key in sorted(journeys, key=lambda j: list(JOURNEY_NAMES).index(j) if j in JOURNEY_NAMES else 99):
        g = journeys[key]
        g["found_share"] = round(g["yes"] / g["asked"], 3) if g["asked"] else None
        g["stars_mean"] = round(g["stars"] / g["stars_answers"], 2) if g["stars_answers"] else None
        rows.append(g)
    week_rows = []
    for monday in sorted(weeks):
        w = weeks[monday]
        w["stars_mean"] = round(w["stars"] / w["stars_answers"], 2) if w["stars_answers"] else None
        week_rows.append(w)
    return {"journeys": rows, "weeks": week_rows, "total": total, "since": since}


def comments(conn, sites: frozenset[str] | None, since: date, limit: int | None = 500) -> list[dict]:
    """Comments since `since` at `sites` (None: every site), newest first, at most `limit`."""
    f = tables.feedback.c
    query = _where(select(f.day, f.site, f.journey, f.stars, f.language, f.comment), sites, since)
    query = query.where(f.comment != "").order_by(f.day.desc()).limit(limit)
    return [dict(r) for r in conn.execute(query).mappings()]


TITLES = {"stars": "Average rating by journey (out of 5)", "found": "Share who found what they needed, by journey",
          "weeks": "Answers each week"}


def chart(report: dict, name: str) -> bytes | None:
    """One chart as SVG, in GOV.UK colours, with no script of its own."""
    import pygal
    from pygal.style import Style

    if name not in TITLES:
        return None
    style = Style(background="white", plot_background="white", foreground="#0b0c0c", foreground_strong="#0b0c0c",
                  foreground_subtle="#505a5f", colors=("#1d70b8", "#00703c", "#d4351c"), font_family="Arial, sans-serif",
                  label_font_size=14, major_label_font_size=14, title_font_size=18, value_font_size=14)
    options = dict(style=style, js=[], disable_xml_declaration=True, show_legend=False, width=720, height=360,
                   print_values=True, title=TITLES[name])
    if name == "weeks":
        bar = pygal.Bar(**options)
        bar.x_labels = [f"{w['week']:%d %b}" for w in report["weeks"]]
        bar.add("Answers", [w["answers"] for w in report["weeks"]])
    else:
        bar = pygal.HorizontalBar(**options, range=(0, 5 if name == "stars" else 100))
        journeys = report["journeys"][::-1]  # drawn from the bottom up: the table's order, top down
        bar.x_labels = [j["name"] for j in journeys]
        if name == "stars":
            bar.add("Average rating", [j["stars_mean"] for j in journeys])
        else:
            bar.add("Found what they needed (%)", [None if j["found_share"] is None else round(100 * j["found_share"])
                                                   for j in journeys])
    return bar.render()

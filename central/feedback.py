"""Residents' answers after a journey, kept anonymous and summed up by journey and site.

    python -m central feedback --data DIR [--since 2026-11-01] [--comments]
"""

from __future__ import annotations


from sqlalchemy import select

from central import db as tables
from sync.payloads import Feedback

def file(conn, _keys, device: dict, record_id: str, p: Feedback) -> None:
    """File one answer (once per record id, in the savepoint that stores it)."""
    conn.execute(tables.feedback.insert().values(
        record_id=record_id, site=device["site"], journey=p.journey, day=p.day.isoformat(), found=p.found,
        stars=p.stars, comment=p.comment, language=p.language))


def summary(engine, since: str | None = None) -> list[dict]:
    """One line per site and journey: answers, how many found what they needed, stars."""
    query = select(tables.feedback)
    if since:
        query = query.where(tables.feedback.c.day >= since)
    groups: dict[tuple[str, str], dict] = {}
    with engine.connect() as conn:
        for row in conn.execute(query).mappings():
            g = groups.setdefault((row["site"], row["journey"]), {
                "site": row["site"], "journey": row["journey"], "answers": 0, "found_yes": 0, "found_no": 0,
                "stars": [], "comments": 0})
            g["answers"] += 1
            if row["found"] is True:
                g["found_yes"] += 1
            elif row["found"] is False:
                g["found_no"] += 1
            if row["stars"]:
                g["stars"].append(row["stars"])
            g["comments"] += bool(row["comment"])
    out = []
    for key in sorted(groups):
        g = groups[key]
        stars = g.pop("stars")
        asked = g["found_yes"] + g["found_no"]
        g["found_share"] = round(g["found_yes"] / asked, 3) if asked else None
        g["stars_mean"] = round(sum(stars) / len(stars), 2) if stars else None
        g["stars_answers"] = len(stars)
        out.append(g)
    return out


def comments(engine, since: str | None = None) -> list[dict]:
    """Every comment, newest first (the console's query, for every site and no page limit)."""
    from datetime import date

    from central import feedback_report

    with engine.connect() as conn:
        return feedback_report.comments(conn, None, date.fromisoformat(since) if since else date.min, limit=None)


print_lines = tables.print_lines

"""Sites: each a unique identity, whose slug names its reference documents.

Kiosks fetch their site's invitations and appointments as `invites.<slug>` and
`appointments.<slug>` (sync.protocol.site_document). Two names with one slug (`Site A!` and
`site a`) would share those documents, so a kiosk at one would read the other's visitors.
A site is therefore registered the first time it is named (an enrolment code, an
invitation, appointments, demo data), and a name whose slug belongs to another site is
refused with a message that names it.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from central import db as tables
from sync.protocol import site_slug


class SiteClash(ValueError):
    """The name is too close to another site's: they would share documents."""


def tidy(name: str) -> str:
    return " ".join(str(name).split())[:80]


def register(conn, name: str) -> str:
    """The site's name as registered (made now if new); SiteClash if its slug is taken."""
    name = tidy(name)
    if not name:
        raise ValueError("a site needs a name")
    slug = site_slug(name)
    existing = conn.execute(select(tables.sites.c.name).where(tables.sites.c.slug == slug)).scalar()
    if existing is None:
        try:
            with conn.begin_nested():
                conn.execute(tables.sites.insert().values(slug=slug, name=name, created_at=datetime.now(timezone.utc)))
            return name
        except IntegrityError:  # registered meanwhile
            existing = conn.execute(select(tables.sites.c.name).where(tables.sites.c.slug == slug)).scalar()
    if existing != name:
        raise SiteClash(f"the site name {name!r} is too close to the existing site {existing!r}: their kiosks "
                        f"would share invitations and appointments. Use {existing!r}, or a clearly different name")
    return name


def adopt_enrolled(conn) -> None:
    """Register the sites of kiosks enrolled before sites were kept (first come, first named)."""
    known = set(conn.execute(select(tables.sites.c.slug)).scalars())
    for (site,) in conn.execute(select(tables.devices.c.site).distinct().order_by(tables.devices.c.site)).all():
        if site_slug(site) not in known:
            conn.execute(tables.sites.insert().values(slug=site_slug(site), name=site,
                                                      created_at=datetime.now(timezone.utc)))
            known.add(site_slug(site))

"""Central's HTML pages from Jinja2 templates (central/templates/), in one page shell
(`base.html`) with one stylesheet (`/assets/central.css`). Everything is escaped by Jinja2's
autoescape; a page sets the headers it needs (no-store, no framing, a strict CSP).

    render("message.html", title="Check your email", paragraphs=[...])  -> HTML text
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

HERE = Path(__file__).resolve().parent
STYLESHEET = (HERE / "static" / "central.css").read_bytes()
_env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]),
                   trim_blocks=True, lstrip_blocks=True)
# Only this site's stylesheet, no script, forms back to this site only, never framed.
CSP = "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"


def render(template: str, **context) -> str:
    return _env.get_template(template).render(**context)


def assets() -> APIRouter:
    """The stylesheet route, shared by every page."""
    router = APIRouter()

    @router.get("/assets/central.css", include_in_schema=False)
    def stylesheet() -> Response:
        return Response(STYLESHEET, media_type="text/css",
                        headers={"Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"})

    return router

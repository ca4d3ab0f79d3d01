"""A real Chromium (Debian's, driven by Playwright; nothing is downloaded) and axe-core."""

from __future__ import annotations

import os
from contextlib import contextmanager

CHROMIUM = os.environ.get("HUBKIOSK_CHROMIUM", "/usr/bin/chromium")
SERIOUS = ("serious", "critical")


@contextmanager
def chromium():
    """A headless Chromium browser (sandbox off: the tests run as root in CI)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"], headless=True)
        try:
            yield browser
        finally:
            browser.close()


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical findings on the page as it is now (rule: target)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [f"{v['id']}: {node['target']}" for v in results.response["violations"] if v["impact"] in SERIOUS
            for node in v["nodes"]]

"""The examples in the kiosk core's docstrings, and in the modules central and kiosks share,
are true (they are how a reader learns each module)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import kiosk.core

MODULES = sorted(m.name for m in pkgutil.walk_packages(kiosk.core.__path__, "kiosk.core.")) + [
    "sync.charter", "central.service_levels", "central.account_emails"]


@pytest.mark.parametrize("name", MODULES)
def test_examples_hold(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0, f"{result.failed} of the examples in {name} do not hold"

"""Test setup: the 大方县 demo is seeded once per test session; every test runs in a transaction."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from laborgrid.testing.browser import demo_server, page  # noqa: F401  (browser fixtures)
from laborgrid.testing.personas import client_for


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    from laborgrid.site.demo import seed_demo

    with django_db_blocker.unblock():
        seed_demo(log=lambda _msg: None)


@pytest.fixture
def as_user(db: Any) -> Callable[[str], Client]:
    return client_for


@pytest.fixture(autouse=True)
def _chinese(settings: Any) -> None:
    settings.LANGUAGE_CODE = "zh-hans"

from __future__ import annotations

from collections.abc import Iterator

import pytest

from laborgrid.workdays.services import clear_cache


@pytest.fixture(autouse=True)
def _fresh_calendar_cache() -> Iterator[None]:
    """Each test's transaction is rolled back; the in-process cache must not outlive it."""
    clear_cache()
    yield
    clear_cache()

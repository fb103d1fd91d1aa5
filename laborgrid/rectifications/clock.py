"""Today's date for orders, in one place (tests move it to replay a dated scenario; the demo
seeder issues its past orders on their own days with :func:`on`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils import timezone

_day: ContextVar[dt.date | None] = ContextVar("rectifications_day", default=None)


def today() -> dt.date:
    return _day.get() or timezone.localdate()


@contextmanager
def on(day: dt.date) -> Iterator[None]:
    """Within the block, orders are dated ``day`` (demo seeding of past steps only)."""
    token = _day.set(day)
    try:
        yield
    finally:
        _day.reset(token)

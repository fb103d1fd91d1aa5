"""Today's date for orders, in one place (tests move it to replay a dated scenario)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def today() -> dt.date:
    return timezone.localdate()

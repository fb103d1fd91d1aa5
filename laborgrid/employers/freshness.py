"""When an employer's labour-use facts are stale: the registry's rule, read by every app.

Base data are refreshed at least every six months (DOMAIN A3, the 2009 pilot notice on
两网化管理): facts collected more than :data:`~laborgrid.employers.models.STALE_AFTER_DAYS`
days ago are stale. Collection rounds pick the employers to visit by it and coverage counts by
it; both import it from here, the lower layer, not from each other.
"""

from __future__ import annotations

from datetime import date, timedelta

from laborgrid.employers.models import STALE_AFTER_DAYS


def stale_cutoff(today: date) -> date:
    """Facts collected before this day are stale (more than 183 days old on ``today``)."""
    return today - timedelta(days=STALE_AFTER_DAYS)


__all__ = ["STALE_AFTER_DAYS", "stale_cutoff"]

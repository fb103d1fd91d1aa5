"""Permission-matrix entries for the dashboard and the returns (pages and API).

``other`` is 马场镇 (404 for 猫场镇 staff, on GET and POST alike, with nothing written); ``own``
is 猫场镇, which the read-only leader sees but may not sign (403). The period is last month
(ended: every step is open to whoever holds the capability). The API takes the grid as a query
parameter, which the matrix cannot vary: its 马场镇 404 and the leader's 403 are in
``test_returns`` / ``test_dashboard``.
"""

from __future__ import annotations

from django.utils import timezone

from laborgrid.lib import periods
from laborgrid.testing.matrix import Spec
from laborgrid.testing.personas import MACHANG, MAOCHANG


def _last_month() -> str:
    return periods.containing(timezone.localdate()).previous().key


def _machang_return() -> str:
    """Last month, with 马场镇's return drafted (by its own 中队长), so that the download exists
    for those who may see it."""
    from laborgrid.accounts.models import User
    from laborgrid.grids.models import Grid
    from laborgrid.reports import services

    period = periods.containing(timezone.localdate()).previous()
    grid = Grid.objects.get(code=MACHANG)
    if services.find(grid, period) is None:
        actor = User.objects.get(username="machang")
        services.draft_return(actor=actor, grid=grid, period=period)
    return period.key


_OTHER = {"code": MACHANG}
_OWN = {"code": MAOCHANG}

SPECS: dict[str, Spec] = {
    "reports:dashboard_home": Spec(),
    "reports:dashboard": Spec(other=_OTHER, own=_OWN),
    "reports:return_home": Spec(),
    "reports:return_list": Spec(other=_OTHER, own=_OWN),
    "reports:return_detail": Spec(
        other={**_OTHER, "period": _last_month}, own={**_OWN, "period": _last_month}
    ),
    "reports:return_download": Spec(
        other={**_OTHER, "period": _machang_return, "fmt": "xlsx"},
        own={**_OWN, "period": _last_month, "fmt": "xlsx"},
    ),
    "reports:return_action": Spec(
        other={**_OTHER, "period": _last_month, "action": "draft"},
        own={**_OWN, "period": _last_month, "action": "draft"},
        methods=("post",),
        writes=True,
    ),
}
API_SPECS: dict[tuple[str, str], Spec] = {
    ("get", "/api/v1/dashboard"): Spec(),
    ("get", "/api/v1/returns"): Spec(lists={"period": _last_month(), "grid": MAOCHANG}),
    ("post", "/api/v1/returns"): Spec(writes=True),
}

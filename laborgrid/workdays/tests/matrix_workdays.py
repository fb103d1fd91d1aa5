"""Permission-matrix entries for the calendar pages and API (merged by
core/tests/test_permission_matrix).

The calendar belongs to no grid: every staff account reads it; only ``calendar.manage`` (the system
administrator) writes, everyone else gets 404 on the edit URLs (see ``test_views``).
"""

from __future__ import annotations

from laborgrid.testing.matrix import Spec

SPECS: dict[str, Spec] = {
    "workdays:calendar_year": Spec(lists={"year": "2026"}),
    "workdays:day_save": Spec(methods=("post",), writes=True),
    "workdays:day_remove": Spec(methods=("post",), writes=True),
    "workdays:year_save": Spec(methods=("post",), writes=True),
    "workdays:notice_import": Spec(methods=("get", "post"), writes=True),
}
API_SPECS: dict[tuple[str, str], Spec] = {
    ("get", "/api/v1/calendar/workdays/add"): Spec(lists={"start": "2026-09-30", "days": "5"}),
    ("post", "/api/v1/calendar/notices"): Spec(writes=True),
}

"""The calendar's part of the demo: years a newer ``chinese-calendar`` knows (the migration seeded
the rest; administrators add the others through the calendar pages, DOMAIN A4)."""

from __future__ import annotations

from laborgrid.core.extensions import Log
from laborgrid.workdays.services import seed_from_package


def seed_calendar(log: Log = print) -> None:
    added = seed_from_package()
    log(f"工作日历：新增 {len(added)} 个年度" if added else "工作日历：无需更新")

"""Figures of the integrity grading (劳动保障守法诚信等级评价, ``laborgrid.ratings``; issue 18).

Grading is yearly: a period's figures are the grades **of the year the period falls in** approved
by the county (``GradeState.APPROVED``), as of the count — 本年累计, like the written review's.
Draft and proposed grades are not counted: they may still change.

* ``ratings.year`` — employers graded A, B and C, approved; one grouped query.

Each figure links to ``ratings:grade_list`` (``?year=&grid=&grade=``), the approved grades of that
year in the grid's subtree, which lists exactly the employers counted.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from laborgrid.lib.periods import Period
from laborgrid.ratings.selectors import approved_summary
from laborgrid.reports.figures import (
    EMPLOYERS,
    PERIOD,
    Figure,
    Section,
    Values,
    register_section,
    register_source,
)


@cache
def _list_path() -> str:
    return reverse("ratings:grade_list")


def grading_year_of(period: Period) -> int:
    """The grading year a period's figures read: the calendar year of the period's last day."""
    return period.end.year


def grade_list(grade: str) -> Any:
    def url(grid: Any, period: Period) -> str:
        query = {"year": str(grading_year_of(period)), "grid": grid.code, "grade": grade}
        return f"{_list_path()}?{urlencode(query)}"

    return url


def compute(root: str, period: Period, today: date) -> Values:
    rows = approved_summary(root, grading_year_of(period))
    return {
        path: {f"grades_{g.lower()}": Decimal(n) for g, n in counts.items()}
        for path, counts in rows.items()
    }


def register() -> None:
    register_section(Section("ratings", _("诚信等级评价"), 45))
    register_source(
        "ratings.year",
        timing=PERIOD,
        compute=compute,
        figures=[
            Figure(
                "grades_a",
                _("评为A级"),
                EMPLOYERS,
                PERIOD,
                "ratings",
                grade_list("A"),
                _("本年度诚信等级评价中经县局审定为A级（守法诚信）的用人单位。"),
                order=10,
            ),
            Figure(
                "grades_b",
                _("评为B级"),
                EMPLOYERS,
                PERIOD,
                "ratings",
                grade_list("B"),
                _("本年度诚信等级评价中经县局审定为B级（基本守法诚信）的用人单位。"),
                on_map=False,
                order=20,
            ),
            Figure(
                "grades_c",
                _("评为C级"),
                EMPLOYERS,
                PERIOD,
                "ratings",
                grade_list("C"),
                _("本年度诚信等级评价中经县局审定为C级（不诚信）的用人单位。"),
                bad=True,
                order=30,
            ),
        ],
    )

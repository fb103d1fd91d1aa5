"""Figures of the annual written review (年度书面审查, ``laborgrid.reviews``; issue 17, issue 20 §2).

The written review is a yearly list, not a flow of events: a period's figures are the standing of
the review **of the year the period falls in** (the counties' ``ReviewYear`` of that year), as of
the count — 本年累计. A November return and the annual return of the same year show the same
state, counted when each is drafted; January's figures start the new year's list.

* ``reviews.year`` — employers on the list (taken-off ones excluded), filed (submitted, returned,
  passed or failed: a draft is not a filing), the filing rate (filed / listed), passed, returned
  for correction, failed, and not filed although the filing window has closed (the same rule as
  the grading's ``written_review`` fact: while the window is open not having filed is no fault).

One grouped query over the targets of the subtree. Each figure links to the cross-county list
``reviews:targets`` (``?year=&grid=&show=``) that shows exactly the employers counted.
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
from laborgrid.reports.figures import (
    EMPLOYERS,
    PERCENT,
    PERIOD,
    Figure,
    Section,
    Values,
    register_section,
    register_source,
)
from laborgrid.reviews.selectors import year_targets_summary


@cache
def _list_path() -> str:
    return reverse("reviews:targets")


def review_year_of(period: Period) -> int:
    """The review year a period's figures read: the calendar year of the period's last day."""
    return period.end.year


def target_list(show: str = "") -> Any:
    def url(grid: Any, period: Period) -> str:
        query = {"year": str(review_year_of(period)), "grid": grid.code}
        if show:
            query["show"] = show
        return f"{_list_path()}?{urlencode(query)}"

    return url


KEYS = {
    "listed": "reviews_listed",
    "filed": "reviews_filed",
    "passed": "reviews_passed",
    "returned": "reviews_returned",
    "failed": "reviews_failed",
    "overdue": "reviews_not_filed",
}


def compute(root: str, period: Period, today: date) -> Values:
    rows = year_targets_summary(root, review_year_of(period), today)
    return {
        path: {KEYS[k]: Decimal(v) for k, v in counts.items() if k in KEYS}
        for path, counts in rows.items()
    }


def register() -> None:
    register_section(Section("reviews", _("书面审查"), 27))
    register_source(
        "reviews.year",
        timing=PERIOD,
        compute=compute,
        figures=[
            Figure(
                "reviews_listed",
                _("书面审查应申报单位"),
                EMPLOYERS,
                PERIOD,
                "reviews",
                target_list(),
                _("本年度书面审查名单上的用人单位（已移出名单的不计）。"),
                on_map=False,
                order=10,
            ),
            Figure(
                "reviews_filed",
                _("书面审查已申报"),
                EMPLOYERS,
                PERIOD,
                "reviews",
                target_list("filed"),
                _("本年度已提交书面审查材料的单位（待审查、退回补正、合格、不合格；草稿不计）。"),
                order=20,
            ),
            Figure(
                "reviews_rate",
                _("书面审查申报率"),
                PERCENT,
                PERIOD,
                "reviews",
                target_list(),
                _("已申报单位占应申报单位的比例。"),
                ratio=("reviews_filed", "reviews_listed"),
                order=30,
            ),
            Figure(
                "reviews_passed",
                _("书面审查合格"),
                EMPLOYERS,
                PERIOD,
                "reviews",
                target_list("passed"),
                _("本年度书面审查结论为合格的单位。"),
                order=40,
            ),
            Figure(
                "reviews_returned",
                _("书面审查退回补正"),
                EMPLOYERS,
                PERIOD,
                "reviews",
                target_list("returned"),
                _("申报材料被退回补正、尚未重新提交的单位。"),
                on_map=False,
                order=50,
            ),
            Figure(
                "reviews_failed",
                _("书面审查不合格"),
                EMPLOYERS,
                PERIOD,
                "reviews",
                target_list("failed"),
                _("本年度书面审查结论为不合格的单位。"),
                bad=True,
                order=60,
            ),
            Figure(
                "reviews_not_filed",
                _("截止后未申报"),
                EMPLOYERS,
                PERIOD,
                "reviews",
                target_list("overdue"),
                _("申报期限已过仍未提交书面审查材料的单位（申报期内尚未申报的不计）。"),
                bad=True,
                order=70,
            ),
        ],
    )

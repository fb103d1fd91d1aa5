"""审查申报率 (review filing rate): of the employers on the county's written-review list of the year
(``laborgrid.reviews``; taken-off employers excluded), the share that filed — submitted the form
at least once (awaiting review, returned for correction, passed or failed; a draft is not a
filing). A filing after the window (逾期申报) still counts as filed, marked late. An employer that
has not filed is judged only once the window has closed by the day of reading (the grading's rule:
not having filed while the window is open is no fault).

Per person: the staff who held a post on the employer's grid on the day the window closed (the
day the point is judged).
"""

from __future__ import annotations

from collections.abc import Iterator

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from laborgrid.assessment.computations.deadlines import staff_points
from laborgrid.assessment.indicators import Computation, Context, Point, register
from laborgrid.reviews.choices import FILED
from laborgrid.reviews.selectors import year_targets

KEY = "reviews_filed"

OUTCOMES = {"filed": _("已申报"), "late": _("逾期申报"), "not_filed": _("截止后未申报")}


def grid_points(ctx: Context) -> list[Point]:
    rows = (
        year_targets(ctx.year)
        .filter(grid_path__under=ctx.root.path)
        .values_list(
            "pk",
            "grid_path",
            "employer__name",
            "review_year_id",
            "review_year__closes_on",
            "submission__pk",
            "submission__state",
            "submission__late",
            "submission__first_submitted_at",
        )
        .order_by("grid_path", "pk")
    )
    points = []
    for pk, path, name, year_id, closes_on, sub_pk, state, late, first_at in rows.iterator():
        if sub_pk is not None and state in FILED:
            outcome = "late" if late else "filed"
            on = first_at.date() if first_at is not None else closes_on
            text = f"{ctx.year} 年度书面审查 · {name} · {OUTCOMES[outcome]}"
            url = reverse("reviews:submission_detail", args=[sub_pk])
            good = True
        elif closes_on < ctx.as_of:
            outcome, on, good = "not_filed", closes_on, False
            text = f"{ctx.year} 年度书面审查 · {name} · 截止 {closes_on:%Y-%m-%d} 未申报"
            url = reverse("reviews:year_detail", args=[year_id])
        else:
            continue  # the window is still open: not judged yet
        points.append(
            Point(
                grid_path=path,
                good=good,
                outcome=outcome,
                text=text[:300],
                on=min(on, closes_on),
                url=url,
                model="reviews.reviewtarget",
                object_id=pk,
            )
        )
    return points


def person_points(ctx: Context) -> Iterator[Point]:
    return staff_points(ctx, grid_points(ctx))


def register_it() -> None:
    register(
        Computation(
            key=KEY,
            label=_("审查申报率"),
            rule=_(
                "本年度书面审查名单上的用人单位（移出名单的不计）中，已提交申报材料的比例（逾期申报计为已申报）；申报期限届满仍未申报的计为未达标，申报期内尚未申报的不评价。"
            ),
            grid_points=grid_points,
            person_points=person_points,
            outcomes=OUTCOMES,
        )
    )

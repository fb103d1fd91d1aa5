"""Read-only questions about the written review (no writes here).

``review_outcome`` is read by other apps (grading): keep its signature and its answers stable.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from laborgrid.reviews.choices import FILED, SubmissionState
from laborgrid.reviews.models import ReviewReminder, ReviewSubmission, ReviewTarget, ReviewYear

OUTCOMES = ("passed", "failed", "returned", "submitted", "not_filed")


def review_outcome(employer_id: int, year: int) -> str | None:
    """The employer's written-review result for ``year``: ``"passed"``, ``"failed"``,
    ``"returned"`` (sent back for correction, not refiled yet), ``"submitted"`` (awaiting the
    decision), ``"not_filed"`` (listed but nothing submitted — a draft is not a filing), or
    ``None`` when the employer was not on that year's target list (or was taken off it)."""
    target = (
        ReviewTarget.objects.filter(employer_id=employer_id, review_year__year=year)
        .select_related("submission")
        .order_by("id")
        .first()
    )
    if target is None or target.excluded_reason:
        return None
    sub: ReviewSubmission | None = getattr(target, "submission", None)
    if sub is None or sub.state == SubmissionState.DRAFT:
        return "not_filed"
    return str(sub.state)


def year_for_employer(employer: Any, year: int) -> ReviewTarget | None:
    """The employer's place on the year's list (the county's year it belongs to)."""
    return (
        ReviewTarget.objects.filter(employer=employer, review_year__year=year)
        .select_related("review_year", "employer")
        .first()
    )


def open_targets_for_employer(employer: Any) -> QuerySet[ReviewTarget]:
    return (
        ReviewTarget.objects.filter(employer=employer, excluded_reason="")
        .select_related("review_year")
        .order_by("-review_year__year")
    )


def grid_summary(targets: QuerySet[ReviewTarget], review_year: ReviewYear) -> list[dict[str, Any]]:
    """Per grid: listed, filed, late, not filed, passed, returned, failed (one GROUP BY)."""
    rows = (
        targets.filter(review_year=review_year, excluded_reason="")
        .values("grid__code", "grid__name")
        .annotate(
            listed=Count("id"),
            filed=Count("id", filter=Q(submission__state__in=FILED)),
            late=Count("id", filter=Q(submission__late=True, submission__state__in=FILED)),
            passed=Count("id", filter=Q(submission__state=SubmissionState.PASSED)),
            returned=Count("id", filter=Q(submission__state=SubmissionState.RETURNED)),
            failed=Count("id", filter=Q(submission__state=SubmissionState.FAILED)),
            waiting=Count("id", filter=Q(submission__state=SubmissionState.SUBMITTED)),
        )
        .order_by("grid__code")
    )
    out = []
    for r in rows:
        r["not_filed"] = r["listed"] - r["filed"]
        out.append(r)
    return out


#: The lists a year's targets can be narrowed to (``year_targets``), one definition each: the
#: written-review figures of the dashboard and returns count them the same way.
SHOW = ("filed", "not_filed", "overdue", "late", "sampled", "reminded", *SubmissionState.values)


def show_filter(show: str, today: Any) -> Q | None:
    """The condition of a list ``show`` on ``ReviewTarget`` rows (None: unknown, no filter).

    ``filed``: submitted at least once and not back to draft (submitted, returned, passed,
    failed); ``not_filed``: the rest; ``overdue``: not filed and the year's window has closed
    (before ``today``) — not having filed while the window is open is no fault."""
    filed = Q(submission__state__in=FILED)
    if show == "filed":
        return filed
    if show == "not_filed":
        return ~filed
    if show == "overdue":
        return ~filed & Q(review_year__closes_on__lt=today)
    if show == "late":
        return filed & Q(submission__late=True)
    if show == "sampled":
        return Q(submission__sample_target__isnull=False)
    if show == "reminded":  # any scheduled reminder sent (one row per kind: no join, no repeats)
        return Q(Exists(ReviewReminder.objects.filter(target=OuterRef("pk"))))
    if show in SubmissionState.values:
        return Q(submission__state=show)
    return None


def year_targets(year: int) -> QuerySet[ReviewTarget]:
    """Every county's list of ``year`` (employers taken off a list excluded)."""
    return ReviewTarget.objects.filter(review_year__year=year, excluded_reason="")


def year_targets_summary(root_path: str, year: int, today: Any) -> dict[str, dict[str, int]]:
    """Per grid path under ``root_path`` (the targets attached to it directly): listed, filed,
    passed, returned, failed and overdue (``show_filter``) for the lists of ``year``; one
    grouped query."""
    wanted = ("filed", "passed", "returned", "failed", "overdue")
    conditions = {k: show_filter(k, today) for k in wanted}
    rows = (
        year_targets(year)
        .filter(grid_path__under=root_path)
        .order_by()
        .values("grid_path")
        .annotate(listed=Count("id"), **{k: Count("id", filter=q) for k, q in conditions.items()})
    )
    return {r["grid_path"]: {k: r[k] for k in ("listed", *wanted)} for r in rows}


def sample_visit(sub: ReviewSubmission) -> Any:
    """The on-site check of a sampled filing: the visit recorded against the sample's place in
    the patrol plan (``Visit.plan_target``; the inspections app links a visit to the plan's open
    target of that employer in the visit's month), the latest if there were several; ``None``
    while nobody has been on site."""
    if not sub.sample_target_id:
        return None
    from laborgrid.inspections.models import Visit

    return (
        Visit.objects.filter(plan_target_id=sub.sample_target_id)
        .select_related("inspector_1", "inspector_2")
        .order_by("-started_at", "-id")
        .first()
    )

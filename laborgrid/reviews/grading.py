"""The written review's answer to the integrity grading (``laborgrid.ratings.facts``): the fact
``written_review`` for a year and any number of employers, in one query.

* a filing's state — ``passed`` / ``failed`` / ``returned`` / ``submitted`` — with the filing as
  evidence;
* ``not_filed`` only once the year's filing window has closed with nothing filed (a draft is not a
  filing): while the window is open, not having filed yet is no fault, and the employer gets no
  answer (the fact stays unknown, so a rule such as "did not file → at most B" does not fire);
* no answer either for an employer not on that year's list, or taken off it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from laborgrid.reviews.choices import SubmissionState
from laborgrid.reviews.models import ReviewTarget

STATE_LABELS: dict[str, str] = {
    SubmissionState.SUBMITTED.value: "已申报待审查",
    SubmissionState.RETURNED.value: "退回补正",
    SubmissionState.PASSED.value: "审查合格",
    SubmissionState.FAILED.value: "审查不合格",
}


def written_review_facts(year: int, employers: QuerySet[Any]) -> dict[int, tuple[Any, list[Any]]]:
    today = timezone.localdate()
    rows = (
        ReviewTarget.objects.filter(
            review_year__year=year, excluded_reason="", employer__in=employers.values("pk")
        )
        .values_list(
            "employer_id",
            "review_year_id",
            "review_year__closes_on",
            "submission__pk",
            "submission__state",
        )
        .order_by("employer_id", "pk")
    )
    out: dict[int, tuple[Any, list[Any]]] = {}
    for employer_id, year_id, closes_on, sub_pk, state in rows:
        if employer_id in out:
            continue
        if sub_pk is None or state == SubmissionState.DRAFT:
            if closes_on >= today:
                continue  # the window is still open
            label = f"{year} 年度书面审查：截止 {closes_on:%Y-%m-%d} 未申报"
            url = reverse("reviews:year_detail", args=[year_id])
            out[employer_id] = ("not_filed", [_ev("review_year", year_id, label, url)])
            continue
        label = f"{year} 年度书面审查：{STATE_LABELS.get(state, state)}"
        url = reverse("reviews:submission_detail", args=[sub_pk])
        out[employer_id] = (str(state), [_ev("review", sub_pk, label, url)])
    return out


def _ev(kind: str, pk: int, label: str, url: str) -> dict[str, Any]:
    return {"kind": kind, "id": pk, "label": label, "url": url}

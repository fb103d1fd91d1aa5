"""The approved integrity grade drives patrol frequency (人社部规〔2016〕1号: 分类监管; DOMAIN B2
consequences): the inspections app's risk registry gets two factors — the employer's latest
approved grade is C (high-risk cycle, key inspection target) or B (more frequent patrols than
A: ordered before A). Only a grade of the last two years counts (the grading is yearly)."""

from __future__ import annotations

from datetime import date

from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _


def _latest_is(grade: str, today: date) -> Q:
    from laborgrid.ratings.choices import GradeState
    from laborgrid.ratings.models import EmployerGrade

    latest_year = (
        EmployerGrade.objects.filter(employer=OuterRef(OuterRef("pk")), state=GradeState.APPROVED)
        .order_by("-year")
        .values("year")[:1]
    )
    return Q(
        Exists(
            EmployerGrade.objects.filter(
                employer=OuterRef("pk"),
                state=GradeState.APPROVED,
                grade=grade,
                year__gte=today.year - 1,
                year=Subquery(latest_year),
            )
        )
    )


def register() -> None:
    from laborgrid.inspections.risk import RiskFactor, register_factor

    register_factor(
        RiskFactor("grade_c", _("诚信等级C级"), 5, True, lambda today: _latest_is("C", today))
    )
    register_factor(
        RiskFactor("grade_b", _("诚信等级B级"), 1, False, lambda today: _latest_is("B", today))
    )

"""Grades, publications and listings on the employer's archive (劳动保障守法诚信档案:
人社部规〔2016〕1号 and 部令29号 both put the result in it)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from laborgrid.employers.timeline import Entry, register
from laborgrid.ratings.choices import GradeState, NoticeState
from laborgrid.ratings.models import ArrearsListing, EmployerGrade, ViolationNotice

if TYPE_CHECKING:
    from laborgrid.employers.models import Employer


@register("ratings")
def rating_entries(employer: Employer, limit: int) -> list[Entry]:
    out: list[Entry] = []
    for g in (
        EmployerGrade.objects.filter(employer=employer, state=GradeState.APPROVED)
        .select_related("run")
        .order_by("-year")[:limit]
    ):
        out.append(
            Entry(
                when=g.run.approved_on or g.notified_on or dt.date(g.year, 12, 31),
                kind="rating",
                title=_("%(year)s年度劳动保障守法诚信等级：%(grade)s")
                % {"year": g.year, "grade": g.get_grade_display()},
                detail=g.override_reason,
                url=g.get_absolute_url(),
            )
        )
    for n in ViolationNotice.objects.filter(
        employer=employer, state__in=[NoticeState.PUBLISHED, NoticeState.WITHDRAWN]
    ).order_by("-id")[:limit]:
        out.append(
            Entry(
                when=n.withdrawn_on or n.published_on or n.final_on,
                kind="rating",
                title=_("重大劳动保障违法行为社会公布（%(state)s）")
                % {"state": n.get_state_display()},
                detail=n.get_category_display(),
                url=n.get_absolute_url(),
            )
        )
    for li in ArrearsListing.objects.filter(employer=employer).order_by("-id")[:limit]:
        out.append(
            Entry(
                when=li.removed_on or li.decided_on or li.proposed_on,
                kind="rating",
                title=_("拖欠农民工工资失信联合惩戒对象名单（%(state)s）")
                % {"state": li.get_state_display()},
                detail=li.get_condition_display(),
                url=li.get_absolute_url(),
            )
        )
    return out

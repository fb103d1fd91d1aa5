"""Telling the employer (its portal accounts) and the staff who handle the step: the grade once
approved or changed on objection, the 部令45号 prior notice, and back to staff when the employer
objects or makes its statement. Delivered when the caller's transaction commits
(``notifications.services.notify``); the text carries no personal numbers.

An employer account is a ``User`` with ``employer`` set (the portal, issue 17); an employer
without an activated account is told by the printed letter alone (the 告知书 PDF).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from laborgrid.notifications.services import notify


def accounts_by_employer(employer_ids: Any) -> dict[int, list[Any]]:
    """The active portal accounts of the given employers (one query; ``employer_ids`` may be a
    queryset of ids, kept in the database)."""
    from laborgrid.accounts.models import User

    out: dict[int, list[Any]] = defaultdict(list)
    for user in User.objects.filter(employer_id__in=employer_ids, is_active=True).order_by("pk"):
        if user.employer_id is not None:
            out[user.employer_id].append(user)
    return out


def _grade_text(grade: Any) -> tuple[str, str]:
    title = _("%(year)s年度劳动保障守法诚信等级评价结果告知") % {"year": grade.year}
    body = _("评价等级：%(grade)s。如有异议，请于 %(due)s 前在本系统提出。") % {
        "grade": grade.get_grade_display(),
        "due": grade.objection_due.isoformat() if grade.objection_due else "—",
    }
    return title, body


def grades_approved(run: Any) -> int:
    """Every graded employer with a portal account is told its grade and the objection deadline."""
    from laborgrid.ratings.models import EmployerGrade

    accounts = accounts_by_employer(run.grades.values("employer_id"))
    if not accounts:
        return 0
    n = 0
    for grade in EmployerGrade.objects.filter(run=run, employer_id__in=list(accounts)):
        title, body = _grade_text(grade)
        n += notify(
            accounts[grade.employer_id],
            title=title,
            body=body,
            url=reverse("portal:grade_detail", args=[grade.pk]),
        )
    return n


def grade_changed(grade: Any) -> int:
    """The grade was changed (or kept) on the employer's objection: the employer is told."""
    users = accounts_by_employer([grade.employer_id]).get(grade.employer_id, [])
    return notify(
        users,
        title=_("%(year)s年度诚信等级异议处理结果") % {"year": grade.year},
        body=_("%(result)s；评价等级：%(grade)s。")
        % {"result": grade.get_objection_result_display(), "grade": grade.get_grade_display()},
        url=reverse("portal:grade_detail", args=[grade.pk]),
    )


def prior_notice(listing: Any) -> int:
    users = accounts_by_employer([listing.employer_id]).get(listing.employer_id, [])
    return notify(
        users,
        title=_("拖欠农民工工资失信联合惩戒对象名单事先告知"),
        body=_("本局拟将你单位列入失信联合惩戒对象名单。陈述申辩期限：%(due)s。")
        % {"due": listing.statement_due.isoformat() if listing.statement_due else "—"},
        url=reverse("portal:listing_detail", args=[listing.pk]),
    )


def objection_lodged(grade: Any) -> int:
    """Staff: the county staff who approved the year see the employer's objection."""
    run = grade.run
    return notify(
        [run.approved_by],
        title=_("用人单位对诚信等级提出异议"),
        body=_("%(name)s 对 %(year)s 年度评价等级提出异议，请处理。")
        % {"name": grade.employer.name[:60], "year": grade.year},
        url=grade.get_absolute_url(),
    )


def statement_made(listing: Any) -> int:
    """Staff: whoever proposed the listing (and sent the prior notice) sees the statement."""
    return notify(
        [listing.proposed_by],
        title=_("用人单位提交了陈述申辩"),
        body=_("%(name)s 就失信名单事先告知提交了陈述申辩，请在作出决定前审查。")
        % {"name": listing.name[:60]},
        url=listing.get_absolute_url(),
    )

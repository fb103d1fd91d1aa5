"""The year's scheduled reminders (issue 17 §2 "reminders go out"), sent by the daily run
(``manage.py review_reminders`` or the ``review_reminders_task`` task; docs/deploy.md).

For every open year, to the active portal accounts of each listed employer (in-app notices
through the notifications app; SMS is not sent — no gateway is configured):

* **opened** — the window is open (from ``opens_on`` to ``closes_on``): the year is announced;
* **due_soon** — ``REMIND_DAYS`` days or fewer before ``closes_on`` and nothing filed yet;
* **late** — after ``closes_on`` and nothing filed (a late filing is still accepted).

Each kind reaches an employer once (``ReviewReminder``, unique per target and kind). An employer
without an active account is not marked reminded, so an account activated later receives the
reminders still due on the next run. Staff see who was reminded on the year's list.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from laborgrid.audit.services import record
from laborgrid.reviews.audit_actions import ReviewAudit
from laborgrid.reviews.choices import ReminderKind, YearStatus
from laborgrid.reviews.models import ReviewReminder, ReviewTarget, ReviewYear


def remind_days() -> int:
    """How many days before the window closes the 'due soon' reminder goes out."""
    return int(getattr(settings, "LABORGRID_REVIEW_REMIND_DAYS", 7))


def kinds_due(review_year: ReviewYear, today: dt.date) -> list[str]:
    """The reminder kinds the year calls for on ``today`` (pure: no database)."""
    if review_year.status != YearStatus.OPEN or today < review_year.opens_on:
        return []
    if today > review_year.closes_on:
        return [ReminderKind.LATE.value]
    kinds: list[str] = [ReminderKind.OPENED]
    if (review_year.closes_on - today).days <= remind_days():
        kinds.append(ReminderKind.DUE_SOON)
    return kinds


def _message(kind: str, review_year: ReviewYear) -> tuple[str, str]:
    y, closes = review_year.year, review_year.closes_on.isoformat()
    if kind == ReminderKind.OPENED:
        return (
            _("%(y)s年度书面审查已开始申报") % {"y": y},
            _("请在 %(d)s 前通过网上申报提交劳动用工情况和材料。") % {"d": closes},
        )
    if kind == ReminderKind.DUE_SOON:
        return (
            _("%(y)s年度书面审查即将截止") % {"y": y},
            _("申报截止日期：%(d)s，贵单位尚未提交。") % {"d": closes},
        )
    return (
        _("%(y)s年度书面审查已逾期未报") % {"y": y},
        _("申报已于 %(d)s 截止，贵单位尚未提交，请尽快补报。") % {"d": closes},
    )


def _candidates(review_year: ReviewYear, kind: str) -> QuerySet[ReviewTarget]:
    from laborgrid.reviews.services import non_filers

    qs = ReviewTarget.objects.filter(review_year=review_year, excluded_reason="")
    if kind != ReminderKind.OPENED:
        qs = non_filers(qs, review_year)
    return qs.exclude(reminders__kind=kind)


def send_reminders(*, today: dt.date | None = None) -> dict[str, int]:
    """Send the reminders due ``today`` for every open year; answers employers reminded per kind.
    Idempotent: a second run the same day (or an overlapping one) sends nothing again."""
    from laborgrid.accounts.models import User

    today = today or timezone.localdate()
    sent: dict[str, int] = defaultdict(int)
    for review_year in ReviewYear.objects.filter(status=YearStatus.OPEN).order_by("id"):
        for kind in kinds_due(review_year, today):
            targets = dict(
                _candidates(review_year, kind).values_list("employer_id", "pk").iterator()
            )
            accounts: dict[int, list[Any]] = defaultdict(list)
            for account in User.objects.filter(employer_id__in=list(targets), is_active=True).only(
                "id", "employer_id", "is_active"
            ):
                accounts[account.employer_id].append(account)  # type: ignore[index]
            if not accounts:
                continue
            sent[kind] += _send(review_year, kind, targets, accounts)
    return dict(sent)


def _send(
    review_year: ReviewYear,
    kind: str,
    targets: dict[int, int],
    accounts: dict[int, list[Any]],
) -> int:
    from laborgrid.notifications.services import notify

    run = uuid.uuid4()
    with transaction.atomic():
        ReviewReminder.objects.bulk_create(
            [
                ReviewReminder(target_id=targets[e], kind=kind, accounts=len(users), run=run)
                for e, users in accounts.items()
            ],
            ignore_conflicts=True,  # a run that overlaps this one sent those already
        )
        mine = set(ReviewReminder.objects.filter(run=run).values_list("target_id", flat=True))
        if not mine:
            return 0
        reached = [u for e, users in accounts.items() if targets[e] in mine for u in users]
        with override(settings.LANGUAGE_CODE):
            title, body = _message(kind, review_year)
        notify(reached, title=title, body=body, url=f"/portal/reviews/{review_year.year}/")
        ReviewTarget.objects.filter(pk__in=mine).update(reminded_at=timezone.now())
        record(
            ReviewAudit.REMINDERS_SENT,
            obj=review_year,
            detail={"kind": kind, "employers": len(mine), "accounts": len(reached)},
        )
    return len(mine)

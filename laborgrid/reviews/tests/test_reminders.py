"""The year's reminders (issue 17 §2): the daily run tells the listed employers' portal accounts
(in-app) that the window opened, that it closes soon, that they are late — once per employer and
kind; staff see who was reminded."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from laborgrid.accounts.models import User
from laborgrid.notifications.models import Notification
from laborgrid.reviews.choices import ReminderKind, YearStatus
from laborgrid.reviews.models import ReviewReminder, ReviewYear
from laborgrid.reviews.reminders import kinds_due
from laborgrid.reviews.reminders import send_reminders as run
from laborgrid.reviews.tests import fixtures as f
from laborgrid.reviews.tests.helpers import review_year, target_of, xingwang
from laborgrid.testing.personas import client_for


def test_which_reminders_a_day_calls_for() -> None:
    year = ReviewYear(
        year=2026,
        opens_on=dt.date(2026, 3, 1),
        closes_on=dt.date(2026, 5, 31),
        status=YearStatus.OPEN,
    )
    assert kinds_due(year, dt.date(2026, 2, 28)) == []
    assert kinds_due(year, dt.date(2026, 3, 1)) == [ReminderKind.OPENED]
    assert kinds_due(year, dt.date(2026, 5, 24)) == [ReminderKind.OPENED, ReminderKind.DUE_SOON]
    assert kinds_due(year, dt.date(2026, 5, 31)) == [ReminderKind.OPENED, ReminderKind.DUE_SOON]
    assert kinds_due(year, dt.date(2026, 6, 1)) == [ReminderKind.LATE]
    year.status = YearStatus.CLOSED
    assert kinds_due(year, dt.date(2026, 6, 1)) == []


def _titles(user: User) -> list[str]:
    return list(Notification.objects.filter(user=user).values_list("title", flat=True))


@pytest.mark.django_db
def test_reminders_go_to_portal_accounts_once_per_kind_and_staff_see_who(
    django_capture_on_commit_callbacks: Any,
) -> None:
    def send_reminders(today: dt.date) -> dict[str, int]:  # notices go out on commit
        with django_capture_on_commit_callbacks(execute=True):
            return run(today=today)

    year = review_year()
    filer = User.objects.get(username=f.machang_account_name())  # its employer has filed
    boss = User.objects.get(username="xingwang")  # its employer has not
    mine = target_of(xingwang(), year)

    # The window is open: every listed employer with an account hears it opened.
    first = send_reminders(today=year.opens_on)
    assert first.get(ReminderKind.OPENED, 0) >= 2
    assert f"{year.year}年度书面审查已开始申报" in _titles(boss)
    assert f"{year.year}年度书面审查已开始申报" in _titles(filer)
    assert ReviewReminder.objects.get(target=mine, kind=ReminderKind.OPENED).accounts == 1
    # Idempotent: the same day again, or the next day, sends nothing more.
    count = Notification.objects.count()
    assert send_reminders(today=year.opens_on) == {}
    assert send_reminders(today=year.opens_on + dt.timedelta(days=1)) == {}
    assert Notification.objects.count() == count

    # Close to the deadline: only employers that have not filed.
    soon = send_reminders(today=year.closes_on - dt.timedelta(days=3))
    assert set(soon) == {ReminderKind.DUE_SOON}
    assert any("即将截止" in t for t in _titles(boss))
    assert not any("即将截止" in t for t in _titles(filer))

    # After the window: late, once; the command does the same run.
    out = StringIO()
    late_day = (year.closes_on + dt.timedelta(days=1)).isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("review_reminders", "--date", late_day, stdout=out)
    assert "late:" in out.getvalue() and "late: 0" not in out.getvalue()
    assert any("逾期未报" in t for t in _titles(boss))
    out = StringIO()
    call_command("review_reminders", "--date", late_day, stdout=out)
    assert "late: 0" in out.getvalue()
    assert [
        r.kind for r in ReviewReminder.objects.filter(target=mine).order_by("sent_at", "id")
    ] == [ReminderKind.OPENED, ReminderKind.DUE_SOON, ReminderKind.LATE]

    # The employer reads them in its portal; staff of its grid see who was reminded.
    home = client_for("xingwang").get(reverse("portal:home")).content.decode()
    assert "逾期未报" in home
    staff = client_for("maochang")
    page = staff.get(reverse("reviews:year_detail", args=[year.pk])).content.decode()
    assert "自动提醒" in page and "短信提醒未开通" in page
    listed = staff.get(
        reverse("reviews:target_list", args=[year.pk]), {"reminder": "late"}
    ).content.decode()
    assert xingwang().name in listed and "逾期未报" in listed
    # … and only in their own grids.
    other = client_for("machang").get(
        reverse("reviews:target_list", args=[year.pk]), {"reminder": "late"}
    )
    assert xingwang().name not in other.content.decode()


@pytest.mark.django_db
def test_an_employer_without_an_account_is_reminded_once_it_has_one(
    django_capture_on_commit_callbacks: Any,
) -> None:
    def send_reminders(today: dt.date) -> dict[str, int]:
        with django_capture_on_commit_callbacks(execute=True):
            return run(today=today)

    from laborgrid.portal import services as portal
    from laborgrid.reviews.tests.helpers import STRONG, user

    year = review_year()
    target = target_of(xingwang(), year)
    User.objects.filter(employer=xingwang()).update(is_active=False)
    send_reminders(today=year.opens_on)
    assert not ReviewReminder.objects.filter(target=target).exists()  # nobody to tell
    _invite, code = portal.issue_invite(
        actor=user("maochang"), employer=xingwang(), person_name="新经办人"
    )
    account = portal.activate(uscc=xingwang().uscc or "", code=code, password=STRONG)
    send_reminders(today=year.opens_on)
    assert ReviewReminder.objects.filter(target=target, kind=ReminderKind.OPENED).exists()
    assert f"{year.year}年度书面审查已开始申报" in _titles(account)

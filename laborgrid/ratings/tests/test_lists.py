"""部令29号 publication and 部令45号 blacklist: the steps the law allows, and the ones refused."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from laborgrid.accounts.models import User
from laborgrid.cases.models import Case
from laborgrid.ratings import listing as L
from laborgrid.ratings import publicity as P
from laborgrid.ratings.choices import ListingState, NoticeState, PersonRole
from laborgrid.ratings.models import ArrearsListing, ViolationNotice
from laborgrid.testing.personas import client_for

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 6)


def _ric() -> str:
    from laborgrid.lib import identifiers as ids

    body = "52052119780312031"
    return body + ids._ric_check(body)


def county() -> User:
    return User.objects.get(username="county")


def test_revoked_decision_leaves_the_public_list() -> None:
    notice = ViolationNotice.objects.get(state=NoticeState.PUBLISHED)
    anon = Client()
    assert notice.name in anon.get(reverse("publiclists:violations")).content.decode()
    with pytest.raises(PermissionDenied):
        P.withdraw_notice(
            actor=User.objects.get(username="maochang"), notice=notice, reason="复议撤销"
        )
    with pytest.raises(ValidationError):
        P.withdraw_notice(actor=county(), notice=notice, reason="")
    P.withdraw_notice(
        actor=county(),
        notice=notice,
        reason="大方县人民政府行政复议决定书（大府复决〔2026〕3号）撤销原处罚决定",
    )
    assert notice.name not in anon.get(reverse("publiclists:violations")).content.decode()
    assert anon.get("/api/v1/public/violations").json()["items"] == []


def test_only_a_final_decision_can_be_flagged() -> None:
    case = Case.objects.filter(decision_kind="correction_order", employer__isnull=False).first()
    assert case is not None
    with pytest.raises(ValidationError, match="行政处理或行政处罚决定"):
        P.flag_case(
            actor=county(), case=case, category="hours", note="情节严重：连续加班", today=TODAY
        )
    recent = Case.objects.filter(
        decision_kind="penalty", served_on__gte=dt.date(2026, 7, 1)
    ).first()
    if recent is not None and not hasattr(recent, "publication"):
        with pytest.raises(ValidationError, match="行政复议"):
            P.flag_case(
                actor=county(), case=recent, category="other", note="其他重大违法", today=TODAY
            )


def test_final_on_counts_review_and_suit_windows() -> None:
    case = Case(decision_kind="penalty", served_on=dt.date(2026, 1, 10), service_method="direct")
    assert P.final_on(case) == dt.date(2026, 7, 11)
    assert (
        P.final_on(Case(decision_kind="correction_order", served_on=dt.date(2026, 1, 10))) is None
    )
    assert P.quarter_of(dt.date(2026, 12, 6)) == "2026Q4"


def test_blacklist_procedure_and_refusals() -> None:
    demo = ArrearsListing.objects.get(state=ListingState.PUBLISHED)
    case = demo.case
    ArrearsListing.objects.filter(pk=demo.pk).update(state=ListingState.EXPIRED)
    # Conditions are checked against the case: a case under the threshold is refused.
    small = (
        Case.objects.filter(category="wages", employer__isnull=False, amount_owed__lt=1000)
        .exclude(decision_kind="")
        .first()
    )
    if small is not None:
        with pytest.raises(ValidationError, match="第五条"):
            L.propose_listing(
                actor=county(),
                case=small,
                persons=[{"role": PersonRole.LEGAL_REP, "name": "张三", "id_number": _ric()}],
            )
    with pytest.raises(ValidationError):
        L.propose_listing(
            actor=county(),
            case=case,
            persons=[
                {"role": PersonRole.LEGAL_REP, "name": "张三", "id_number": "520521197803120311"}
            ],
        )
    entry = L.propose_listing(
        actor=county(),
        case=case,
        persons=[{"role": PersonRole.LEGAL_REP, "name": "张三", "id_number": _ric()}],
        today=TODAY,
    )
    person = entry.persons.get()
    assert _ric() not in person.id_enc and person.id_masked == _ric()[:4] + "*" * 10 + _ric()[-4:]
    with pytest.raises(ValidationError, match="已在列入程序中"):
        L.propose_listing(
            actor=county(),
            case=case,
            persons=[{"role": PersonRole.LEGAL_REP, "name": "张三", "id_number": _ric()}],
        )
    with pytest.raises(ValidationError):
        L.decide_listing(
            actor=county(), listing=entry, list_it=True, note="决定列入", on=TODAY
        )  # no notice yet
    entry = L.notify_listing(actor=county(), listing=entry, on=TODAY)
    assert entry.statement_due is not None and entry.statement_due > TODAY
    assert entry.deadlines.filter(kind=L.STATEMENT_KIND, voided=False).exists()
    with pytest.raises(ValidationError, match="陈述申辩期限"):
        L.decide_listing(actor=county(), listing=entry, list_it=True, note="决定列入", on=TODAY)
    after = entry.statement_due + dt.timedelta(days=1)
    entry = L.decide_listing(
        actor=county(), listing=entry, list_it=True, note="期满未陈述申辩，决定列入", on=after
    )
    assert entry.expires_on == dt.date(after.year + 3, after.month, after.day) - dt.timedelta(
        days=1
    )
    entry = L.publish_listing(actor=county(), listing=entry, on=after)
    # Early removal: refused before 6 months, granted when every condition holds.
    with pytest.raises(ValidationError, match="6个月"):
        L.remove_early(
            actor=county(),
            listing=entry,
            applied_on=after,
            arrears_paid_on=after,
            pledge_on=after,
            no_new_arrears=True,
            on=after + dt.timedelta(days=30),
        )
    with pytest.raises(ValidationError, match="信用承诺"):
        L.remove_early(
            actor=county(),
            listing=entry,
            applied_on=after,
            arrears_paid_on=after,
            pledge_on=None,
            no_new_arrears=True,
            on=after + dt.timedelta(days=200),
        )
    entry = L.remove_early(
        actor=county(),
        listing=entry,
        applied_on=after,
        arrears_paid_on=after,
        pledge_on=after,
        no_new_arrears=True,
        on=after + dt.timedelta(days=200),
    )
    assert entry.state == ListingState.REMOVED


def test_expiry_is_automatic() -> None:
    entry = ArrearsListing.objects.get(state=ListingState.PUBLISHED)
    anon = Client()
    assert entry.name in anon.get(reverse("publiclists:blacklist")).content.decode()
    assert entry.expires_on is not None
    assert L.expire_listings(entry.expires_on) == 0
    assert L.expire_listings(entry.expires_on + dt.timedelta(days=1)) == 1
    entry.refresh_from_db()
    assert entry.state == ListingState.EXPIRED


def test_listing_pages_and_step_refusal_for_township_staff() -> None:
    entry = ArrearsListing.objects.get(state=ListingState.PUBLISHED)
    c = client_for("county")
    page = c.get(reverse("ratings:listing_detail", args=[entry.pk])).content.decode()
    person = entry.persons.first()
    assert person is not None and person.id_masked in page  # staff see the masked form too
    other = client_for("machang")
    if not entry.grid_path.startswith("52/5205/520521/520521103/"):
        assert other.get(reverse("ratings:listing_detail", args=[entry.pk])).status_code == 404
    res = c.post(reverse("ratings:listing_step", args=[entry.pk, "notify"]))
    assert res.status_code == 302  # refused with a message: wrong state
    entry.refresh_from_db()
    assert entry.state == ListingState.PUBLISHED
    assert Decimal(entry.amount_owed) > 0


def test_ratings_daily_is_a_command_and_a_task_like_the_other_daily_jobs() -> None:
    from io import StringIO

    from django.core.management import call_command
    from django.utils import timezone

    from laborgrid.ratings.tasks import ratings_daily_task, run_daily

    entry = ArrearsListing.objects.get(state=ListingState.PUBLISHED)
    ArrearsListing.objects.filter(pk=entry.pk).update(
        expires_on=timezone.localdate() - dt.timedelta(days=1)
    )
    out = StringIO()
    call_command("ratings_daily", stdout=out)
    assert "listings expired: 1" in out.getvalue()
    entry.refresh_from_db()
    assert entry.state == ListingState.EXPIRED
    assert run_daily() == (0, 0)  # idempotent: a second run the same day changes nothing
    assert ratings_daily_task.name == "ratings_daily_task"

"""Objects of 马场镇 / 猫场镇 for the permission matrix and the portal's walk of staff URLs
(idempotent: the matrix resolves its callables more than once in a test)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: F401  (re-export for tests)

from laborgrid.accounts.models import User
from laborgrid.employers.models import Employer
from laborgrid.grids.models import Grid
from laborgrid.portal import services as portal
from laborgrid.portal.models import PortalInvite
from laborgrid.reviews import services
from laborgrid.reviews.models import ReviewAttachment, ReviewSubmission, ReviewTarget, ReviewYear
from laborgrid.reviews.tests.helpers import PDF, STRONG, review_year, valid_form
from laborgrid.testing.personas import MACHANG, MAOCHANG


def _target(code: str) -> ReviewTarget:
    year = review_year()
    grid = Grid.objects.get(code=code)
    target = (
        ReviewTarget.objects.filter(
            review_year=year,
            grid_path__under=grid.path,
            excluded_reason="",
            employer__uscc__isnull=False,
            employer__employees__gt=0,
        )
        .exclude(submission__state__in=["submitted", "returned", "passed", "failed"])
        .order_by("employer_id")
        .first()
    )
    assert target is not None
    return target


def _filed(code: str) -> ReviewSubmission:
    grid = Grid.objects.get(code=code)
    found = (
        ReviewSubmission.objects.filter(
            grid_path__under=grid.path, target__review_year=review_year()
        )
        .exclude(state="draft")
        .order_by("id")
        .first()
    )
    if found is not None:
        return found
    staff = User.objects.get(username="machang" if code == MACHANG else "maochang")
    target = _target(code)
    services.save_draft(
        actor=staff, target=target, data=valid_form(employees=50, contracts_signed=40)
    )
    services.add_attachment(actor=staff, target=target, kind="payroll", name="p.pdf", content=PDF)
    return services.submit(actor=staff, target=target)


def machang_submission() -> int:
    return _filed(MACHANG).pk


def maochang_submission() -> int:
    return _filed(MAOCHANG).pk


def machang_attachment() -> int:
    row = ReviewAttachment.objects.filter(submission_id=machang_submission()).order_by("id").first()
    assert row is not None
    return row.pk


def maochang_attachment() -> int:
    row = (
        ReviewAttachment.objects.filter(submission_id=maochang_submission()).order_by("id").first()
    )
    assert row is not None
    return row.pk


def machang_target() -> int:
    return _target(MACHANG).pk


def maochang_target() -> int:
    return _target(MAOCHANG).pk


def county_year() -> int:
    return review_year().pk


def machang_year() -> int:
    """A year of 马场镇's own (as if the township had run one): invisible to 猫场镇."""
    grid = Grid.objects.get(code=MACHANG)
    found = ReviewYear.objects.filter(grid=grid).first()
    if found is not None:
        return found.pk
    year = review_year()
    return ReviewYear.objects.create(
        grid=grid,
        grid_path=grid.path,
        year=2020,
        opens_on=year.opens_on,
        closes_on=year.closes_on,
        form_version="测试",
        opened_by=User.objects.get(username="machang"),
    ).pk


def _account(code: str) -> User:
    """An activated employer account of a 马场镇 / 猫场镇 employer on the year's list."""
    employer = (
        _filed(code).employer
        if code == MACHANG
        else Employer.objects.get(name="大方县猫场镇兴旺建筑劳务有限公司")
    )
    found = User.objects.filter(employer=employer, is_active=True).order_by("id").first()
    if found is not None:
        return found
    staff = User.objects.get(username="machang" if code == MACHANG else "maochang")
    _invite, code_ = portal.issue_invite(actor=staff, employer=employer, person_name="测试经办人")
    return portal.activate(uscc=employer.uscc or "", code=code_, password=STRONG)


def machang_account() -> int:
    return _account(MACHANG).pk


def machang_account_name() -> str:
    return _account(MACHANG).username


def maochang_account() -> int:
    return _account(MAOCHANG).pk


def _invite(code: str) -> int:
    grid = Grid.objects.get(code=code)
    found = PortalInvite.objects.open().filter(grid_path__under=grid.path).order_by("id").first()
    if found is not None:
        return found.pk
    staff = User.objects.get(username="machang" if code == MACHANG else "maochang")
    employer = _target(code).employer
    invite, _code = portal.issue_invite(actor=staff, employer=employer, person_name="测试人员")
    return invite.pk


def machang_invite() -> int:
    return _invite(MACHANG)


def maochang_invite() -> int:
    return _invite(MAOCHANG)


def machang_order() -> int:
    from laborgrid.rectifications.models import RectificationOrder

    account = _account(MACHANG)
    order = RectificationOrder.objects.filter(employer=account.employer).first()
    if order is None:
        from laborgrid.rectifications.services import OrderItemInput, issue_order

        order = issue_order(
            actor=User.objects.get(username="county"),
            employer=account.employer,  # type: ignore[arg-type]
            items=[OrderItemInput("补签劳动合同", "no_written_contract", 10)],
        )
    return order.pk


def machang_year_number() -> int:
    return review_year().year

"""Issue 24 "Done when": a site in 猫场镇 is registered with its contractors, shows its missing
deposit and board as warnings, a month's pay sheet with two workers missing from the roster is
flagged, and the warning turns into a rectification order on the contractor."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from laborgrid.accounts.models import User
from laborgrid.audit.models import AuditEvent
from laborgrid.employers.models import Employer
from laborgrid.incidents.choices import WarningStatus
from laborgrid.incidents.early_warning import compute_warnings
from laborgrid.incidents.models import EarlyWarning
from laborgrid.projects import services
from laborgrid.projects.choices import ObligationKind
from laborgrid.projects.models import Obligation, PaySheet, Project, SiteWorker
from laborgrid.projects.samples import paysheet_xlsx, roster_xlsx
from laborgrid.rectifications.models import RectificationOrder
from laborgrid.testing.personas import MAOCHANG, client_for

pytestmark = pytest.mark.django_db


def _employers(code: str, n: int) -> list[Employer]:
    return list(
        Employer.objects.current()
        .filter(grid_path__contains=f"/{code}/")
        .exclude(uscc__isnull=True)
        .order_by("-id")[:n]
    )


def test_demo_site_has_its_warnings() -> None:
    """The demo's 猫场镇 site: deposit and board missing (warnings), two strangers on the sheet."""
    from laborgrid.projects.demo import DEMO_CODE

    project = Project.objects.get(code=DEMO_CODE)
    assert MAOCHANG in project.grid_path
    keys = set(
        EarlyWarning.objects.filter(rule__key="project_obligations").values_list(
            "subject_key", flat=True
        )
    )
    assert {f"project:{project.pk}:wage_deposit", f"project:{project.pk}:rights_board"} <= keys
    assert f"project:{project.pk}:wage_account" not in keys
    sheet = project.paysheets.get()
    assert sheet.not_in_roster == 2
    assert project.subcontractors.count() == 1


def test_done_when(django_capture_on_commit_callbacks: Any) -> None:
    gc, sub = _employers(MAOCHANG, 2)
    squadron = User.objects.get(username="maochang")
    inspector = User.objects.get(username="county")
    today = timezone.localdate()
    start = services.month_start(today - dt.timedelta(days=70))
    last = services.month_start(services.month_start(today) - dt.timedelta(days=1))

    # 1. Registered through the form, with its contractors (USCC typed in the form).
    response = client_for("maochang").post(
        reverse("projects:project_create"),
        {
            "name": "猫场镇农贸市场改造工程",
            "code": "T-24-001",
            "department": "housing",
            "grid": gc.grid.code,
            "client_name": "猫场镇人民政府",
            "general_contractor": gc.uscc,
            "subcontractors": sub.uscc,
            "contract_sum": "5000000",
            "starts_on": start.isoformat(),
            "labour_officer": "李劳资",
            "labour_officer_phone": "13985711111",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    project = Project.objects.get(code="T-24-001")
    assert project.general_contractor == gc
    assert [s.employer for s in project.subcontractors.all()] == [sub]
    assert "13985711111" not in project.labour_officer_phone_enc
    assert project.labour_officer_phone_masked.startswith("139")
    kinds = set(project.obligations.values_list("kind", flat=True))
    assert kinds == set(ObligationKind.values)
    # the account is opened; deposit and board are not (their deadlines passed)
    account = project.obligations.get(kind=ObligationKind.WAGE_ACCOUNT)
    services.record_obligation(
        actor=squadron, obligation=account, data={"bank": "农商行", "reference": "123"}
    )

    # 2. The missing deposit and board show as warnings (the incidents' rule registry).
    with django_capture_on_commit_callbacks(execute=True):
        compute_warnings(today=today)
    warnings = {
        w.subject_key: w for w in EarlyWarning.objects.filter(rule__key="project_obligations")
    }
    deposit_key = f"project:{project.pk}:wage_deposit"
    board_key = f"project:{project.pk}:rights_board"
    assert deposit_key in warnings and board_key in warnings
    assert f"project:{project.pk}:wage_account" not in warnings
    assert warnings[deposit_key].employer_id == gc.pk
    page = client_for("maochang").get(project.get_absolute_url()).content.decode()
    assert "工资保证金" in page and "维权信息告示牌" in page and "逾期未落实" in page
    # other township: 404
    assert client_for("machang").get(project.get_absolute_url()).status_code == 404

    # 3. Roster, then a pay sheet with two workers not on the roster: flagged.
    services.upload_roster(
        actor=squadron,
        project=project,
        month=last,
        content=roster_xlsx(gc.name, sub.name),
        filename="r.xlsx",
    )
    assert SiteWorker.objects.filter(project=project).count() == 5
    w = SiteWorker.objects.filter(project=project).first()
    assert w is not None and "*" in w.id_masked and w.id_masked not in w.id_enc
    response = client_for("maochang").post(
        reverse("projects:paysheet_upload", args=[project.pk]),
        {"month": last.strftime("%Y-%m"), "file": _file(paysheet_xlsx())},
    )
    sheet = PaySheet.objects.get(project=project, month=last)
    assert response.status_code == 302 and response["Location"] == sheet.get_absolute_url()
    assert sheet.lines == 7 and sheet.not_in_roster == 2 and sheet.roster_missing == 0
    assert sheet.shortfall == 600
    page = client_for("maochang").get(sheet.get_absolute_url()).content.decode()
    assert "赵二狗" in page and "孙正" in page and "不在实名制花名册" in page
    assert Obligation.objects.get(project=project, kind="pay_sheet", month=last).met_on == today
    assert project.arrears.get().amount == 600

    # 4. The warning turns into a rectification order on the contractor.
    response = client_for("county").post(
        reverse("projects:project_order", args=[project.pk]),
        {"kinds": ["wage_deposit", "rights_board"], "working_days": "10"},
    )
    order = RectificationOrder.objects.get(
        source_type=ContentType.objects.get_for_model(Project), source_id=project.pk, employer=gc
    )
    assert response.status_code == 302 and response["Location"] == order.get_absolute_url()
    keys = list(order.items.values_list("checklist_key", flat=True))
    assert keys == ["no_wage_deposit", "no_rights_board"]
    assert "第三十二条" in order.items.get(position=1).violated
    assert "第三十四条" in order.items.get(position=2).violated
    assert "第五十五条" in order.basis and "第五十六条" in order.basis
    for key in (deposit_key, board_key):
        warning = EarlyWarning.objects.get(subject_key=key)
        assert warning.status == WarningStatus.RESOLVED
        assert order.number in warning.resolution
    assert AuditEvent.objects.filter(action="project_order").exists()
    # the contractor's archive shows the project, its pay sheet and the order
    archive = client_for("maochang").get(gc.get_absolute_url()).content.decode()
    assert "登记在建工程项目：猫场镇农贸市场改造工程" in archive
    assert "不在花名册 2 人" in archive and order.number in archive
    assert inspector.pk == order.issued_by_id


def _file(content: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("pay.xlsx", content)

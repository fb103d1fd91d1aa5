"""The rules of the projects services: registration, obligations and their deadlines, uploads
with bad rows, the order and its refusals, the ledger and its scope."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from laborgrid.accounts.models import User
from laborgrid.deadlines.models import Deadline
from laborgrid.projects import services
from laborgrid.projects.choices import ObligationKind
from laborgrid.projects.importing import import_project_list
from laborgrid.projects.models import ArrearsEntry, Project
from laborgrid.projects.samples import ROSTER, paysheet_xlsx, project_list_xlsx, roster_xlsx
from laborgrid.projects.selectors import ledger_rows
from laborgrid.projects.tests.conftest import employers_in
from laborgrid.testing.personas import MACHANG, MAOCHANG
from laborgrid.workdays.services import add_workdays

pytestmark = pytest.mark.django_db
Make = Callable[..., Project]


def _book(header: list[str], rows: list[list[Any]]) -> bytes:
    import io

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.create_sheet("s", 0)
    ws.append(header)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_registration_refuses_other_township_contractor(squadron: User) -> None:
    (other,) = employers_in(MACHANG, 1)
    (own,) = employers_in(MAOCHANG, 1)
    with pytest.raises(ValidationError) as exc:
        services.register_project(
            actor=squadron,
            data={
                "name": "x项目",
                "grid": own.grid.code,
                "client_name": "甲",
                "general_contractor": other.pk,
                "contract_sum": "-1",
                "starts_on": None,
            },
        )
    errors = exc.value.message_dict
    assert set(errors) >= {"general_contractor", "contract_sum", "starts_on"}
    with pytest.raises(ValidationError) as exc:
        services.register_project(actor=squadron, data={"name": "x", "grid": other.grid.code})
    assert "grid" in exc.value.message_dict
    leader = User.objects.get(username="leader")
    with pytest.raises(ValidationError):
        services.register_project(actor=leader, data={"grid": own.grid.code})


def test_obligations_and_deadlines(make_project: Make) -> None:
    project = make_project(days_ago=70)
    start = project.starts_on
    deposit = project.obligations.get(kind=ObligationKind.WAGE_DEPOSIT)
    # 20 working days of the official calendar (人社部发〔2021〕65号)
    assert deposit.due == add_workdays(start, 20, provisional=True).date
    board = project.obligations.get(kind=ObligationKind.RIGHTS_BOARD)
    assert board.due == start
    months = sorted({o.month for o in project.obligations.all() if o.month is not None})
    assert months[0] == start.replace(day=1)
    assert months[-1] == timezone.localdate().replace(day=1)
    labour = project.obligations.get(kind=ObligationKind.LABOUR_COST, month=months[0])
    assert labour.due == services.month_end(months[0])
    assert Deadline.objects.filter(kind="projects.wage_deposit", object_id=deposit.pk).exists()
    # idempotent
    assert services.ensure_obligations(project) == 0
    assert services.refresh_projects() == 0


def test_evidence_rules(make_project: Make, squadron: User) -> None:
    project = make_project()
    deposit = project.obligations.get(kind=ObligationKind.WAGE_DEPOSIT)
    with pytest.raises(ValidationError) as exc:
        services.record_obligation(
            actor=squadron, obligation=deposit, data={"amount": "1000", "reference": "B1"}
        )
    assert set(exc.value.message_dict) == {"term_end", "note"}  # < 0.5 % needs a reason
    ob = services.record_obligation(
        actor=squadron,
        obligation=deposit,
        data={"amount": "60000", "reference": "BH-1", "term_end": dt.date(2030, 1, 1)},
    )
    assert ob.met_on == timezone.localdate()
    assert Deadline.objects.get(kind="projects.wage_deposit", object_id=ob.pk).met_on
    board = project.obligations.get(kind=ObligationKind.RIGHTS_BOARD)
    with pytest.raises(ValidationError) as exc:
        services.record_obligation(actor=squadron, obligation=board, data={})
    assert "photo" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.record_obligation(
            actor=squadron, obligation=board, data={}, photo=(b"GIF89a....", "image/gif")
        )
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    ob = services.record_obligation(
        actor=squadron, obligation=board, data={}, photo=(png, "image/png")
    )
    with ob.photo.storage.open(ob.photo.name, "rb") as fh:
        assert fh.read() == png
    with open(ob.photo.path, "rb") as raw:  # encrypted at rest
        assert png not in raw.read()
    roster = project.obligations.filter(kind=ObligationKind.REAL_NAME).first()
    assert roster is not None
    with pytest.raises(ValidationError):
        services.record_obligation(actor=squadron, obligation=roster, data={})
    leader = User.objects.get(username="leader")
    with pytest.raises(PermissionDenied):
        services.record_obligation(actor=leader, obligation=deposit, data={})


def test_roster_bad_rows_save_nothing(make_project: Make, squadron: User) -> None:
    project = make_project()
    month = services.month_start(timezone.localdate())
    content = _book(
        ["姓名", "身份证号码", "用工单位", "进场日期"],
        [
            ["甲", ROSTER[0][1], "", "2026-01-01"],
            ["乙", "520521198001011234", "", ""],  # bad check digit
            ["丙", 520521198001011235, "", ""],  # typed as a number
            ["丁", ROSTER[1][1], "别的公司", ""],
            ["戊", ROSTER[0][1], "", ""],  # duplicate
        ],
    )
    with pytest.raises(ValidationError) as exc:
        services.upload_roster(
            actor=squadron, project=project, month=month, content=content, filename="r.xlsx"
        )
    messages = exc.value.message_dict["file"]
    assert [m[:3] for m in messages] == ["第3行", "第4行", "第5行", "第6行"]
    assert project.workers.count() == 0
    with pytest.raises(ValidationError):
        services.upload_roster(
            actor=squadron, project=project, month=month, content=b"a,b", filename="r.csv"
        )


def test_paysheet_check_and_replacement(
    make_project: Make, squadron: User, django_capture_on_commit_callbacks: Any
) -> None:
    project = make_project()
    gc = project.general_contractor
    sub = project.subcontractors.get().employer
    month = services.month_start(timezone.localdate())
    services.upload_roster(
        actor=squadron,
        project=project,
        month=month,
        content=roster_xlsx(gc.name, sub.name),
        filename="r.xlsx",
    )
    sheet = services.upload_paysheet(
        actor=squadron, project=project, month=month, content=paysheet_xlsx(), filename="p.xlsx"
    )
    check = services.check_sheet(sheet)
    assert sorted(line.name for line in check.not_in_roster) == ["孙正", "赵二狗"]
    assert [line.name for line in check.short] == ["刘光荣"]
    assert all("*" in line.id_masked for line in sheet.paylines.all())
    entry = ArrearsEntry.objects.get(sheet=sheet)
    assert entry.amount == Decimal(600) and entry.workers == 1
    # a corrected sheet for the month replaces the first; the unsettled arrears go with it
    fixed = _book(
        ["姓名", "身份证号码", "应发工资", "实发工资", "本人签字"],
        [[n, i, 6000, 6000, "是"] for n, i, _u, _d in ROSTER[:4]],
    )
    replaced = Path(sheet.file.path)
    with django_capture_on_commit_callbacks(execute=True):
        sheet2 = services.upload_paysheet(
            actor=squadron, project=project, month=month, content=fixed, filename="p2.xlsx"
        )
    assert project.paysheets.count() == 1 and sheet2.shortfall == 0
    # the replaced file is not kept on disk (剩余信息保护)
    assert not replaced.exists() and Path(sheet2.file.path).exists()
    assert sheet2.roster_missing == 1  # 刘光荣 is on the roster but not paid this month
    assert not ArrearsEntry.objects.filter(project=project).exists()
    future = services.month_start(timezone.localdate() + dt.timedelta(days=40))
    with pytest.raises(ValidationError):
        services.upload_paysheet(
            actor=squadron, project=project, month=future, content=fixed, filename="p.xlsx"
        )


def test_order_refusals(make_project: Make) -> None:
    project = make_project(days_ago=70)
    inspector = User.objects.get(username="county")
    account = project.obligations.get(kind=ObligationKind.WAGE_ACCOUNT)
    services.record_obligation(
        actor=inspector, obligation=account, data={"bank": "银行", "reference": "1"}
    )
    with pytest.raises(ValidationError):  # met: nothing to order
        services.order_obligations(actor=inspector, project=project, kinds=["wage_account"])
    with pytest.raises(ValidationError):  # the client is not a registry employer
        services.order_obligations(actor=inspector, project=project, kinds=["labour_cost"])
    with pytest.raises(PermissionDenied):  # assistants do not decide orders
        services.order_obligations(
            actor=User.objects.get(username="maochang-a1"),
            project=project,
            kinds=["wage_deposit"],
        )


def test_ledger_is_scoped_and_rolled_up(make_project: Make, squadron: User) -> None:
    project = make_project()
    today = timezone.localdate()
    e = ArrearsEntry.objects.create(
        project=project,
        grid=project.grid,
        grid_path=project.grid_path,
        source="inspection",
        found_on=today,
        workers=3,
        amount=Decimal("9000"),
        created_by=squadron,
    )
    with pytest.raises(ValidationError):
        services.settle_arrears(actor=squadron, entry=e, amount="9001", on=today)
    services.settle_arrears(actor=squadron, entry=e, amount="4000", on=today)
    with pytest.raises(ValidationError):  # cumulative: never less than already recorded
        services.settle_arrears(actor=squadron, entry=e, amount="3000", on=today)
    county = ledger_rows(User.objects.get(username="county"), today.year)
    mine = [r for r in county if r["township"] == MAOCHANG and r["month"] == today.month]
    assert mine and mine[0]["found"] >= Decimal(9000) and mine[0]["settled"] >= Decimal(4000)
    other = ledger_rows(User.objects.get(username="machang"), today.year)
    assert all(r["township"] == MACHANG for r in other)


def test_import_project_list(squadron: User) -> None:
    gc, _sub = employers_in(MAOCHANG, 2)
    (other,) = employers_in(MACHANG, 1)
    rows: list[dict[str, Any]] = [
        {
            "name": "猫场镇污水管网工程",
            "code": "520521202601010101",
            "client": "大方县住建局",
            "contractor": gc.name,
            "uscc": gc.uscc,
            "sum_wan": 850.5,
            "starts": "2026-03-01",
            "address": "大方县猫场镇",
        },
        {
            "name": "外乡镇工程",
            "code": "X-2",
            "client": "甲",
            "contractor": other.name,
            "uscc": other.uscc,
            "sum_wan": 100,
            "starts": "2026-03-01",
        },
        {
            "name": "无单位工程",
            "code": "X-3",
            "client": "甲",
            "contractor": "不存在的公司",
            "uscc": "",
            "sum_wan": 100,
            "starts": "2026-03-01",
        },
    ]
    out = import_project_list(
        actor=squadron, department="housing", content=project_list_xlsx(rows), filename="l.xlsx"
    )
    assert [p.code for p in out.created] == ["520521202601010101"]
    created = out.created[0]
    assert created.contract_sum == Decimal("8505000.00")  # 万元 in the header
    assert created.general_contractor == gc and MAOCHANG in created.grid_path
    assert [r for r, _m in out.errors] == [4, 5]
    again = import_project_list(
        actor=squadron, department="housing", content=project_list_xlsx(rows[:1]), filename="l.xlsx"
    )
    assert not again.created and len(again.skipped) == 1
    with pytest.raises(ValidationError):
        import_project_list(actor=squadron, department="nope", content=b"", filename="x")

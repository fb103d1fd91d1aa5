"""Permission-matrix entries for the project pages and endpoints (found by
site/tests/test_permission_matrix). 猫场镇 has the demo site; a 马场镇 one is made here."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from laborgrid.accounts.models import User
from laborgrid.employers.models import Employer
from laborgrid.projects import services
from laborgrid.projects.choices import ArrearsSource
from laborgrid.projects.models import ArrearsEntry, Project
from laborgrid.testing.matrix import Spec
from laborgrid.testing.personas import MACHANG, MAOCHANG


def _project(code: str) -> Project:
    found = Project.objects.filter(grid_path__contains=f"/{code}/").order_by("id").first()
    if found is not None:
        return found
    emp = (
        Employer.objects.current()
        .filter(grid_path__contains=f"/{code}/")
        .exclude(uscc__isnull=True)
        .order_by("id")
        .first()
    )
    assert emp is not None
    return services.register_project(
        actor=User.objects.get(username="county"),
        data={
            "name": f"矩阵测试项目{code}",
            "grid": emp.grid.code,
            "client_name": "某建设单位",
            "general_contractor": emp.pk,
            "contract_sum": "1000000",
            "starts_on": timezone.localdate() - dt.timedelta(days=40),
        },
    )


def _pk(code: str) -> int:
    return _project(code).pk


def _ob(code: str) -> int:
    return _project(code).obligations.order_by("id").first().pk  # type: ignore[union-attr]


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _photo(code: str) -> int:
    """The board obligation of the project, with a photo (recorded here when missing)."""
    ob = _project(code).obligations.get(kind="rights_board")
    if not ob.photo:
        ob = services.record_obligation(
            actor=User.objects.get(username="county"),
            obligation=ob,
            data={},
            photo=(PNG, "image/png"),
        )
    return ob.pk


def _sheet(code: str) -> int:
    p = _project(code)
    sheet = p.paysheets.first()
    if sheet is None:
        from laborgrid.projects.samples import paysheet_xlsx

        sheet = services.upload_paysheet(
            actor=User.objects.get(username="county"),
            project=p,
            month=services.month_start(timezone.localdate()),
            content=paysheet_xlsx(),
            filename="p.xlsx",
        )
    return sheet.pk


def _arrears(code: str) -> int:
    p = _project(code)
    entry = ArrearsEntry.objects.filter(project=p).first()
    if entry is None:
        entry = ArrearsEntry.objects.create(
            project=p,
            grid=p.grid,
            grid_path=p.grid_path,
            source=ArrearsSource.INSPECTION,
            found_on=timezone.localdate(),
            workers=1,
            amount=Decimal(100),
            created_by=User.objects.get(username="county"),
        )
    return entry.pk


def _kw(code: str, **extra: object) -> dict[str, object]:
    return {"pk": lambda: _pk(code), **extra}


SPECS: dict[str, Spec] = {
    "projects:project_list": Spec(lists={"q": "马场"}),
    "projects:ledger": Spec(),
    "projects:arrears_list": Spec(lists={"open": "1"}),
    "projects:project_create": Spec(methods=("get", "post"), writes=True),
    "projects:project_import": Spec(methods=("get", "post"), writes=True),
    "projects:project_detail": Spec(other=_kw(MACHANG), own=_kw(MAOCHANG)),
    "projects:paysheet_detail": Spec(
        other=_kw(MACHANG, sheet=lambda: _sheet(MACHANG)),
        own=_kw(MAOCHANG, sheet=lambda: _sheet(MAOCHANG)),
    ),
    "projects:obligation_photo": Spec(
        other=_kw(MACHANG, ob=lambda: _photo(MACHANG)),
        own=_kw(MAOCHANG, ob=lambda: _photo(MAOCHANG)),
    ),
    "projects:obligation_record": Spec(
        other=_kw(MACHANG, ob=lambda: _ob(MACHANG)),
        own=_kw(MAOCHANG, ob=lambda: _ob(MAOCHANG)),
        methods=("post",),
        writes=True,
    ),
    "projects:arrears_settle": Spec(
        other={"pk": lambda: _arrears(MACHANG)},
        own={"pk": lambda: _arrears(MAOCHANG)},
        methods=("post",),
        writes=True,
    ),
    **{
        f"projects:{name}": Spec(
            other=_kw(MACHANG), own=_kw(MAOCHANG), methods=("post",), writes=True
        )
        for name in (
            "project_status",
            "roster_upload",
            "paysheet_upload",
            "project_patrol",
            "project_order",
        )
    },
}
_ids = {"other": {"project_id": lambda: _pk(MACHANG)}, "own": {"project_id": lambda: _pk(MAOCHANG)}}
API_SPECS: dict[tuple[str, str], Spec] = {
    ("get", "/api/v1/projects"): Spec(lists={"q": "马场"}),
    ("post", "/api/v1/projects"): Spec(writes=True),
    ("get", "/api/v1/projects/{project_id}/obligations"): Spec(**_ids),  # type: ignore[arg-type]
    ("post", "/api/v1/projects/{project_id}/paysheets"): Spec(**_ids, writes=True),  # type: ignore[arg-type]
}

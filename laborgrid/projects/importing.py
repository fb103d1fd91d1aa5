"""Import of the housing and transport departments' project lists (在建工程项目清单) through the
register import's reader and presets (``registers.reading.open_register``,
``registers.presets.PROJECT_LIST_PRESETS``).

Each row goes through ``services.register_project`` in its own savepoint, so an imported project
obeys exactly the rules of the form; a bad row is reported with its row number and reason and
spoils nothing else. The contractors must already be in the employer registry (found by USCC,
else by exact name, within the importer's grids): a project list does not create employers (the
registry's own imports do). A row whose project code is already registered is skipped. The grid
comes from the coordinates or the address (``grids.locate``) and must be one of the importer's.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from laborgrid.accounts.roles import Cap
from laborgrid.audit.services import record
from laborgrid.core.scope import get_scope
from laborgrid.employers.models import Employer
from laborgrid.employers.roster_import import parse_date
from laborgrid.projects import services
from laborgrid.projects.audit_actions import ProjectAction
from laborgrid.projects.models import Project
from laborgrid.registers.presets import PROJECT_LIST_PRESETS, map_columns
from laborgrid.registers.reading import RegisterFileError, open_register

if TYPE_CHECKING:
    from laborgrid.accounts.models import User

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 2000
UNIT = {"万元": Decimal(10000), "亿元": Decimal(100000000), "元": Decimal(1)}


@dataclass
class ImportOutcome:
    created: list[Project] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value if value is not None else "").split())


def _employer(actor: User, uscc: str, name: str) -> Employer | None:
    qs = Employer.objects.visible_to(actor).current()
    if uscc:
        found = qs.filter(uscc=uscc.upper()).first()
        if found is not None:
            return found
    if name:
        rows = list(qs.filter(name=name)[:2])
        if len(rows) == 1:
            return rows[0]
    return None


def _amount(value: Any, unit: str | None) -> str:
    text = _text(value).replace(",", "")
    if not text:
        return ""
    try:
        amount = Decimal(text) * UNIT.get(unit or "元", Decimal(1))
    except InvalidOperation:
        return text  # the service reports the bad amount
    return str(amount.quantize(Decimal("0.01")))


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not _text(value):
        return None
    try:
        return parse_date(value)
    except ValueError:
        return None


def import_project_list(
    *, actor: User, department: str, content: bytes, filename: str, request: Any = None
) -> ImportOutcome:
    """Register the projects of a department's list; see the module docstring."""
    preset = PROJECT_LIST_PRESETS.get(department)
    if preset is None:
        raise ValidationError({"department": [_("请选择项目清单的来源部门。")]})
    if not get_scope(actor).has(Cap.WORK_WRITE):
        raise ValidationError(_("您没有登记项目的权限。"))
    if len(content) > MAX_BYTES:
        raise ValidationError({"file": [_("文件超过 10 MB。")]})
    try:
        register = open_register(io.BytesIO(content), preset=preset, stream=True)
    except RegisterFileError as exc:
        raise ValidationError({"file": [str(exc)]}) from None
    out = ImportOutcome()
    with register:
        columns, hints = map_columns(register.headers, preset)
        missing = [
            str(label)
            for f, label in (("name", _("项目名称")), ("contractor_name", _("施工总承包单位")))
            if f not in columns
        ]
        if missing:
            raise ValidationError({"file": [_("缺少必填列：%(c)s") % {"c": "、".join(missing)}]})
        for n, (number, cells) in enumerate(register.rows()):
            if n >= MAX_ROWS:
                out.errors.append((number, _("超过 %(n)d 行的部分未导入。") % {"n": MAX_ROWS}))
                break

            def cell(name: str, cells: list[Any] = cells) -> Any:
                j = columns.get(name)
                return cells[j] if j is not None and j < len(cells) else ""

            code = _text(cell("code"))[:60]
            if code and Project.objects.filter(code=code).exists():
                out.skipped.append((number, _("项目编号 %(c)s 已登记") % {"c": code}))
                continue
            gc = _employer(actor, _text(cell("contractor_uscc")), _text(cell("contractor_name")))
            if gc is None:
                out.errors.append(
                    (
                        number,
                        _(
                            "施工总承包单位“%(n)s”不在您负责网格的用人单位库中，请先登记或导入该单位。"
                        )
                        % {"n": _text(cell("contractor_name"))[:60]},
                    )
                )
                continue
            client = _employer(actor, _text(cell("client_uscc")), "")
            lat, lng = cell("lat"), cell("lng")
            data = {
                "name": _text(cell("name")),
                "code": code,
                "department": department,
                "address": _text(cell("address")),
                "client_name": _text(cell("client_name")),
                "client": client.pk if client is not None else None,
                "general_contractor": gc.pk,
                "contract_sum": _amount(cell("contract_sum"), hints.get("contract_sum")),
                "starts_on": _date(cell("starts_on")),
                "ends_on": _date(cell("ends_on")),
                "labour_officer": _text(cell("labour_officer")),
                "labour_officer_phone": _text(cell("labour_officer_phone")),
                "lat": float(lat) if isinstance(lat, int | float) else None,
                "lng": float(lng) if isinstance(lng, int | float) else None,
            }
            try:
                with transaction.atomic():
                    if data["lat"] is None:
                        data.update(_grid_from_address(actor, str(data["address"] or "")))
                    out.created.append(
                        services.register_project(actor=actor, data=data, request=request)
                    )
            except ValidationError as exc:
                out.errors.append((number, "；".join(exc.messages)))
    record(
        ProjectAction.PROJECTS_IMPORTED,
        actor=actor,
        request=request,
        detail={
            "department": department,
            "created": len(out.created),
            "skipped": len(out.skipped),
            "errors": len(out.errors),
        },
    )
    return out


def _grid_from_address(actor: User, address: str) -> dict[str, Any]:
    """The grid code of a site known only by its address (``grids.locate`` by place names)."""
    from laborgrid.grids.locate import locate
    from laborgrid.grids.models import Grid

    root = Grid.objects.filter(parent__isnull=True).order_by("depth", "path").first()
    if root is None or not address:
        raise ValidationError({"grid": [_("没有坐标，也没有可识别的项目地址，无法确定所在网格。")]})
    located = locate(root=root, lat=None, lng=None, address=address)
    if located.grid.pk == root.pk or not get_scope(actor).allows(Cap.WORK_WRITE, located.grid.path):
        raise ValidationError({"grid": [_("项目地址不在您负责的网格内。")]})
    return {"grid": located.grid.code}

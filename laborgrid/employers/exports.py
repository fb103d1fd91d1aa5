"""用人单位名录 export: the filtered employer list as an XLSX workbook, built by a background job.

Issue 3: "export of the filtered list to XLSX (streamed, no row cap) as a background job with
progress". The job re-applies the list's filters (``filters.filtered``) **for the job's owner at
run time**, so a person's export holds exactly what their list shows — their grids only, even if
their assignments changed after they clicked. Rows are read in keyset batches (``WHERE (sort key,
id) > last``, never OFFSET, whose cost grows with the page number) and written with xlsxwriter's
constant-memory mode, so a million rows need neither a million objects nor a million cells in
memory.

Personal information (DOMAIN A6): only the masked contact phone is written; the encrypted column
is not even read. Every text cell is written as a string so that a name starting with ``=`` never
becomes a formula (spreadsheet formula injection).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import xlsxwriter
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from laborgrid.core.jobs import Progress, exported_by, job_runner
from laborgrid.core.models import Job
from laborgrid.core.text import clauses, enumeration
from laborgrid.employers import filters
from laborgrid.employers.choices import EmployerStatus, EmployerType, Industry, RiskFlag
from laborgrid.employers.models import Employer, EmployerQuerySet
from laborgrid.grids.models import Grid

KIND = "employers.export"
BATCH = 2000
#: The export's time stamp is Beijing time whatever the server's zone (what the reader expects).
BEIJING = ZoneInfo("Asia/Shanghai")

#: The list's single-valued parameters that an export carries (``flag`` is the one multi-valued).
SINGLE_KEYS = ("q", "grid", "employer_type", "industry", "status", "sort")


def export_params(data: Any) -> dict[str, Any]:
    """The list parameters worth keeping from ``data`` (a QueryDict or a dict), as JSON-able
    values for ``Job.params``: empty values and the cursor are dropped."""
    params: dict[str, Any] = {}
    for key in SINGLE_KEYS:
        value = str(data.get(key) or "").strip()
        if value:
            params[key] = value[:200]
    raw = data.getlist("flag") if hasattr(data, "getlist") else data.get("flag") or []
    flags = [str(f) for f in ([raw] if isinstance(raw, str) else raw) if f]
    if flags:
        params["flag"] = flags
    return params


def export_fields(params: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``params`` as (name, value) pairs for the hidden inputs of the export form."""
    pairs: list[tuple[str, str]] = []
    for key, value in params.items():
        for v in value if isinstance(value, list) else [value]:
            pairs.append((key, str(v)))
    return pairs


def as_querydict(params: Mapping[str, Any]) -> QueryDict:
    """``Job.params`` back into the form data the FilterSet reads."""
    data = QueryDict(mutable=True)
    for key, value in params.items():
        data.setlist(key, [str(v) for v in (value if isinstance(value, list) else [value])])
    return data


def _label(choices: Any, value: str) -> str:
    return str(dict(choices.choices).get(value, value))


def describe_filters(user: Any, params: Mapping[str, Any]) -> str:
    """The filters in words, for the job title and the workbook's title row."""
    parts: list[str] = []
    if params.get("q"):
        parts.append(_("搜索“%(q)s”") % {"q": params["q"]})
    if params.get("grid"):
        grid = Grid.objects.visible_to(user).filter(code=params["grid"]).only("name").first()
        parts.append(_("网格：%(g)s") % {"g": grid.name if grid else params["grid"]})
    if params.get("employer_type"):
        parts.append(_("单位类型：%(v)s") % {"v": _label(EmployerType, params["employer_type"])})
    if params.get("industry"):
        parts.append(_("行业门类：%(v)s") % {"v": _label(Industry, params["industry"])})
    if params.get("status"):
        parts.append(_("经营状态：%(v)s") % {"v": _label(EmployerStatus, params["status"])})
    if params.get("flag"):
        labels = enumeration(_label(RiskFlag, f) for f in params["flag"])
        parts.append(_("风险：%(v)s") % {"v": labels})
    return clauses(parts) if parts else _("全部")


def _after(sort: str, last: Employer) -> Q:
    """Rows after ``last`` in ``sort`` order (the keyset condition of ``filters.paginate``)."""
    if sort == filters.Sort.EMPLOYEES:
        return Q(employees__lt=last.employees) | Q(employees=last.employees, id__lt=last.pk)
    if sort == filters.Sort.NEWEST:
        return Q(id__lt=last.pk)
    return Q(name__gt=last.name) | Q(name=last.name, id__gt=last.pk)


ORDER = {
    filters.Sort.NAME: ("name", "id"),
    filters.Sort.EMPLOYEES: ("-employees", "-id"),
    filters.Sort.NEWEST: ("-id",),
}


def keyset_batches(
    qs: EmployerQuerySet, sort: str, size: int | None = None
) -> Iterator[list[Employer]]:
    """All of ``qs`` in ``sort`` order, ``size`` (default :data:`BATCH`) rows per query, each
    batch starting after the last row of the one before (no OFFSET: the last batch costs what
    the first does)."""
    size = size or BATCH
    ordered = qs.order_by(*ORDER.get(sort, ORDER[filters.Sort.NAME]))
    last: Employer | None = None
    while True:
        batch_qs = ordered if last is None else ordered.filter(_after(sort, last))
        rows = list(batch_qs[:size])
        if rows:
            yield rows
        if len(rows) < size:
            return
        last = rows[-1]


#: Only what the workbook shows: the encrypted phone (``contact_phone_enc``) is never read.
EXPORT_FIELDS = (
    "id",
    "name",
    "uscc",
    "reg_number",
    "org_code",
    "former_names",
    "employer_type",
    "industry",
    "legal_rep",
    "contact_person",
    "contact_phone_masked",
    "address",
    "status",
    "employees",
    "last_collected_on",
    "established_on",
    "flag_no_contracts",
    "flag_arrears",
    "flag_below_min_wage",
    "flag_uninsured",
    "grid_path",
    "grid__id",
    "grid__code",
    "grid__name",
)


def headers() -> list[str]:
    return [
        _("单位名称"),
        _("统一社会信用代码"),
        _("工商注册号"),
        _("组织机构代码"),
        _("曾用名"),
        _("单位类型"),
        _("行业门类"),
        _("法定代表人（负责人）"),
        _("联系人"),
        _("联系电话"),
        _("地址"),
        _("所属网格"),
        _("网格编码"),
        _("经营状态"),
        _("职工人数"),
        _("最近采集日期"),
        _("采集情况"),
        _("风险提示"),
        _("成立日期"),
    ]


def _collection_note(e: Employer) -> str:
    if e.last_collected_on is None:
        return str(RiskFlag.NEVER_COLLECTED.label)
    return str(RiskFlag.STALE.label) if e.is_stale() else ""


@job_runner(KIND)
def export_employers(job: Job, progress: Progress) -> None:
    params = job.params or {}
    actor = job.actor
    fs, qs = filters.filtered(actor, as_querydict(params))
    if not fs.is_valid():
        raise ValueError(f"invalid filters: {dict(fs.form.errors)}")
    sort = params.get("sort") or filters.Sort.NAME
    if sort not in ORDER:
        sort = filters.Sort.NAME
    rows_qs: EmployerQuerySet = qs.select_related("grid").only(*EXPORT_FIELDS)
    progress.set_total(rows_qs.order_by().count())

    now = timezone.localtime(timezone.now(), BEIJING)
    who = exported_by(actor)
    title = _(
        "用人单位名录　筛选条件：%(filters)s　导出时间：%(time)s（北京时间）　导出人：%(user)s"
    ) % {
        "filters": describe_filters(actor, params),
        "time": now.strftime("%Y-%m-%d %H:%M"),
        "user": who,
    }
    name = f"{_('用人单位名录')}-{now.strftime('%Y%m%d-%H%M')}.xlsx"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.xlsx"
        book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
        sheet = book.add_worksheet(_("用人单位名录"))
        title_fmt = book.add_format({"bold": True, "font_size": 12})
        head_fmt = book.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
        date_fmt = book.add_format({"num_format": "yyyy-mm-dd"})
        sheet.set_column(0, 0, 36)
        sheet.set_column(1, 3, 20)
        sheet.set_column(4, 4, 24)
        sheet.set_column(5, 9, 14)
        sheet.set_column(10, 10, 36)
        sheet.set_column(11, 13, 14)
        sheet.set_column(15, 15, 12)
        sheet.set_column(16, 17, 24)
        sheet.set_column(18, 18, 12)
        sheet.write_string(0, 0, title, title_fmt)
        sheet.write_row(1, 0, headers(), head_fmt)
        sheet.freeze_panes(2, 1)
        row = 2
        written = 0
        for batch in keyset_batches(rows_qs, sort):
            for e in batch:
                texts = [
                    e.name,
                    e.uscc or "",
                    e.reg_number,
                    e.org_code,
                    "；".join(e.former_name_list),
                    e.get_employer_type_display(),
                    f"{e.industry} {e.get_industry_display()}" if e.industry else "",
                    e.legal_rep,
                    e.contact_person,
                    e.contact_phone_masked,
                    e.address,
                    e.grid.name,
                    e.grid.code,
                    e.get_status_display(),
                ]
                for col, text in enumerate(texts):
                    if text:
                        sheet.write_string(row, col, str(text))
                sheet.write_number(row, 14, e.employees)
                if e.last_collected_on is not None:
                    sheet.write_datetime(row, 15, e.last_collected_on, date_fmt)
                if note := _collection_note(e):
                    sheet.write_string(row, 16, note)
                if e.risk_flags:
                    sheet.write_string(
                        row, 17, enumeration(RiskFlag(f).label for f in e.risk_flags)
                    )
                if e.established_on is not None:
                    sheet.write_datetime(row, 18, e.established_on, date_fmt)
                row += 1
            written += len(batch)
            progress.advance(len(batch))
        book.close()
        progress.log(_("已导出 %(n)s 家用人单位。") % {"n": written})
        progress.save_result(path, name)

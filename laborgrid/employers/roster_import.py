"""Roster import (职工名册导入) from an Excel workbook, with row-level errors, and its template.

Employers keep their 职工名册 (劳动合同法实施条例 Art. 8) in Excel, in many layouts: a title row above
the header, extra columns, IDs typed with full-width digits, dates as real Excel dates, as text in
four spellings or as 20240105. This module reads the first sheet with python-calamine (XLSX and XLS),
finds the header among the first rows by its Chinese column names, converts every cell, and sends
each row through ``services.add_worker`` — or ``services.update_worker`` when the person is already on
this roster — so imported lines obey exactly the rules a form does.

A bad row never spoils the file: each good row is written in its own savepoint and each bad one is
reported with the row number Excel shows, the column header as written in the file, and the reason;
nothing is dropped silently. Only problems with the whole file (type, size, no header, a required
column missing) refuse it. The audit event records counts, never personal data.

Header names and choice values are a data format, not interface text: a Chinese file is read the
same whatever the user's interface language, so they are plain strings here, not ``gettext``.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from laborgrid.accounts.roles import Cap
from laborgrid.audit.services import record
from laborgrid.core.scope import check_write
from laborgrid.core.text import enumeration
from laborgrid.core.uploads import UnsafeWorkbook, check_workbook
from laborgrid.employers import services
from laborgrid.employers.audit_actions import EmployerAction
from laborgrid.employers.choices import ContractTerm, EmploymentForm, Gender, IdKind
from laborgrid.employers.models import Employer, Worker
from laborgrid.lib.zipguard import MiB, ZipLimits

if TYPE_CHECKING:
    from laborgrid.accounts.models import User

#: Rosters are small; anything bigger is not a roster (or belongs in a register import job).
MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 5000
#: The header is looked for in this many rows from the top (title rows, notes above it).
HEADER_SCAN_ROWS = 10
#: Rows read at most: the scan window plus generous room for blank rows between data rows.
_READ_CAP = HEADER_SCAN_ROWS + 2 * MAX_ROWS
#: Decompression-bomb bounds (``laborgrid.lib.zipguard``): 5,000 roster lines are a few MB of XML;
#: 64 MB in all, and no part compressed more than 100 times.
ZIP_LIMITS = ZipLimits(max_total=64 * MiB, max_member=64 * MiB, member_limits=())

ACCEPTED_EXTENSIONS = (".xlsx", ".xlsm", ".xls")

#: The marker of the template's example row; such rows are skipped with a warning.
EXAMPLE_MARK = "示例"

#: Excel's day 0 for serial dates in the 1900 date system: right from serial 61 (1900-03-01) on,
#: past Excel's fictitious 1900-02-29, which covers every date a roster holds.
_EXCEL_EPOCH = date(1899, 12, 30)


class ImportRefused(Exception):
    """The file as a whole cannot be imported (type, size, layout); ``message`` says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RowError:
    """One problem in one row: ``row`` as Excel numbers it, ``column`` the header as written."""

    row: int
    column: str
    message: str
    #: The name on that row, to help a person find it (already visible on the roster page).
    name: str = ""


@dataclass
class ImportResult:
    added: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: Data rows read (blank rows and the example row not counted).
    rows: int = 0

    @property
    def rejected(self) -> int:
        return len({e.row for e in self.errors})


# --- cell conversion ---------------------------------------------------------------------------


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
    """A cell as text: whole numbers without ``.0`` (a phone typed as a number), NFKC-folded."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    return " ".join(unicodedata.normalize("NFKC", str(value)).split())


def _number_text(value: Any) -> str:
    """An identity number or phone. Excel keeps numbers as doubles, exact only below 2**53: an
    18-digit ID typed into a number cell has already lost its last digits, so say so instead of
    reporting a confusing check-digit error."""
    if isinstance(value, float | int) and not isinstance(value, bool):
        if not float(value).is_integer() or abs(value) >= 2**53:
            raise ValueError(
                _("号码被 Excel 存成了数字，末几位已丢失；请把该列设为“文本”格式后重新填写。")
            )
        return str(int(value))
    return _text(value)


def _normalise_word(value: Any) -> str:
    return re.sub(r"[\s　]", "", unicodedata.normalize("NFKC", str(value))).lower()


def _choice(mapping: Mapping[str, str], label: str) -> Callable[[Any], str]:
    options = "、".join(dict.fromkeys(k for k in mapping if re.search(r"[\u4e00-\u9fff]", k)))

    def parse(value: Any) -> str:
        key = _normalise_word(_text(value))
        if key in mapping:
            return mapping[key]
        raise ValueError(
            _("“%(value)s”不是有效的%(label)s，应为：%(options)s")
            % {"value": _text(value)[:20], "label": label, "options": options}
        )

    return parse


_GENDERS = {
    "男": Gender.MALE,
    "男性": Gender.MALE,
    "m": Gender.MALE,
    "male": Gender.MALE,
    "女": Gender.FEMALE,
    "女性": Gender.FEMALE,
    "f": Gender.FEMALE,
    "female": Gender.FEMALE,
}
_ID_KINDS = {
    "居民身份证": IdKind.RIC,
    "身份证": IdKind.RIC,
    "护照": IdKind.PASSPORT,
    "外国人永久居留身份证": IdKind.PERMANENT_RESIDENCE,
    "其他证件": IdKind.OTHER,
    "其他": IdKind.OTHER,
    **{v.lower(): v for v in IdKind.values},
}
_FORMS = {
    "全日制": EmploymentForm.FULL_TIME,
    "全日制用工": EmploymentForm.FULL_TIME,
    "非全日制": EmploymentForm.PART_TIME,
    "非全日制用工": EmploymentForm.PART_TIME,
    "劳务派遣": EmploymentForm.DISPATCHED,
    "派遣": EmploymentForm.DISPATCHED,
    "其他": EmploymentForm.OTHER,
    **{v.lower(): v for v in EmploymentForm.values},
}
_TERMS = {
    "固定期限": ContractTerm.FIXED,
    "固定期限劳动合同": ContractTerm.FIXED,
    "无固定期限": ContractTerm.OPEN_ENDED,
    "无固定期限劳动合同": ContractTerm.OPEN_ENDED,
    "以完成一定工作任务为期限": ContractTerm.TASK,
    "以完成一定工作任务为期限的劳动合同": ContractTerm.TASK,
    "完成一定工作任务": ContractTerm.TASK,
    "未签订": ContractTerm.NONE,
    "未签": ContractTerm.NONE,
    "未签订劳动合同": ContractTerm.NONE,
    **{v.lower(): v for v in ContractTerm.values},
}
_YES = frozenset({"是", "y", "yes", "true", "1", "√", "✓"})
_NO = frozenset({"否", "n", "no", "false", "0", "×", "✗"})


def _yes_no(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    key = _normalise_word(_text(value))
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise ValueError(_("“%(value)s”应为“是”或“否”") % {"value": _text(value)[:20]})


_DATE_TEXT = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?"
)


def parse_date(value: Any) -> date:
    """A date cell: an Excel date, an Excel serial number, 20240105, or text written as
    2024-01-05, 2024/1/5, 2024.1.5 or 2024年1月5日 (a time part after the date is ignored)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    bad = ValueError(
        _("“%(value)s”不是有效日期，请写成 2024-01-05 或使用 Excel 日期格式")
        % {"value": _text(value)[:20]}
    )
    if isinstance(value, float | int) and not isinstance(value, bool):
        n = int(value)  # a date-time serial's day is its whole part
        if 19000101 <= n <= 29991231:
            return _ymd(str(n), bad)
        if 1 <= n < 2958466:  # Excel's last date is 9999-12-31
            return _EXCEL_EPOCH + timedelta(days=n)
        raise bad
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if re.fullmatch(r"\d{8}", text):
        return _ymd(text, bad)
    m = _DATE_TEXT.fullmatch(text)
    if m is None:
        raise bad
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        raise bad from None


def _ymd(text: str, bad: ValueError) -> date:
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        raise bad from None


# --- columns -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One roster column: the service's field, the template's header, the headers accepted."""

    field: str
    header: str
    aliases: tuple[str, ...]
    parse: Callable[[Any], Any]
    required: bool = False
    #: The choices offered as a dropdown in the template.
    choices: tuple[str, ...] = ()
    #: Number format in the template ("@" keeps numbers as text).
    number_format: str = ""
    width: int = 14


COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", ("姓名", "职工姓名", "员工姓名"), _text, required=True, width=10),
    Column("gender", "性别", ("性别",), _choice(_GENDERS, "性别"), choices=("男", "女"), width=6),
    Column(
        "id_kind",
        "证件类型",
        ("证件类型", "身份证件类型"),
        _choice(_ID_KINDS, "证件类型"),
        choices=("居民身份证", "护照", "外国人永久居留身份证", "其他证件"),
        width=12,
    ),
    Column(
        "id_number",
        "证件号码",
        ("证件号码", "公民身份号码", "身份证号", "身份证号码", "身份证件号码", "身份证"),
        _number_text,
        required=True,
        number_format="@",
        width=22,
    ),
    Column(
        "phone",
        "联系电话",
        ("联系电话", "手机号", "手机号码", "联系方式", "电话", "手机"),
        _number_text,
        number_format="@",
    ),
    Column(
        "hukou_address",
        "户籍地址",
        ("户籍地址", "户籍所在地", "户口所在地", "户籍地"),
        _text,
        width=28,
    ),
    Column(
        "current_address",
        "现住址",
        ("现住址", "现居住地址", "现住地址", "居住地址", "现居住地"),
        _text,
        width=28,
    ),
    Column(
        "employment_form",
        "用工形式",
        ("用工形式",),
        _choice(_FORMS, "用工形式"),
        choices=("全日制", "非全日制", "劳务派遣", "其他"),
        width=10,
    ),
    Column(
        "is_migrant",
        "是否农民工",
        ("是否农民工", "农民工"),
        _yes_no,
        choices=("是", "否"),
        width=10,
    ),
    Column(
        "started_on",
        "用工起始日期",
        ("用工起始日期", "用工起始时间", "入职日期", "入职时间", "用工开始日期"),
        parse_date,
        required=True,
        number_format="yyyy-mm-dd",
    ),
    Column(
        "contract_term",
        "劳动合同期限",
        ("劳动合同期限", "合同期限", "劳动合同期限类型", "合同期限类型"),
        _choice(_TERMS, "劳动合同期限"),
        choices=("固定期限", "无固定期限", "以完成一定工作任务为期限", "未签订"),
        width=24,
    ),
    Column(
        "contract_end",
        "合同终止日期",
        ("合同终止日期", "合同到期日", "合同到期日期", "劳动合同终止日期", "合同截止日期"),
        parse_date,
        number_format="yyyy-mm-dd",
    ),
    Column(
        "left_on",
        "离职日期",
        ("离职日期", "离职时间"),
        parse_date,
        number_format="yyyy-mm-dd",
    ),
)

#: Headers that are expected and carry nothing to import (the row counter every table has).
IGNORED_HEADERS = frozenset({"序号"})


def _header_key(value: Any) -> str:
    """A header cell reduced for matching: no spaces, no required-marks, no bracketed hints
    such as （必填） or (yyyy-mm-dd)."""
    text = unicodedata.normalize("NFKC", _text(value))
    text = re.sub(r"[(\[【].*?[)\]】]", "", text)
    return re.sub(r"[\s*:：]", "", text).lower()


_BY_ALIAS: dict[str, Column] = {
    _header_key(alias): c for c in COLUMNS for alias in (c.header, *c.aliases)
}
_BY_FIELD: dict[str, Column] = {c.field: c for c in COLUMNS}


@dataclass
class _Layout:
    header_row: int  # 0-based index into the rows
    columns: dict[int, Column]  # cell index → column
    headers: dict[str, str]  # field → the header text as written in the file


def _find_header(rows: Sequence[Sequence[Any]], warnings: list[str]) -> _Layout:
    best: tuple[int, int] | None = None  # (matches, row index)
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        fields = {_BY_ALIAS[k].field for k in map(_header_key, row) if k in _BY_ALIAS}
        if len(fields) >= 2 and (best is None or len(fields) > best[0]):
            best = (len(fields), i)
    if best is None:
        raise ImportRefused(
            _(
                "在前 %(n)s 行中找不到表头。表头应包含“姓名”“证件号码”“用工起始日期”等列，"
                "请使用导入模板。"
            )
            % {"n": HEADER_SCAN_ROWS}
        )
    index = best[1]
    columns: dict[int, Column] = {}
    headers: dict[str, str] = {}
    for j, cell in enumerate(rows[index]):
        if _is_blank(cell):
            continue
        written = _text(cell)
        key = _header_key(cell)
        column = _BY_ALIAS.get(key)
        if column is None:
            if key not in IGNORED_HEADERS:
                warnings.append(_("未识别的列“%(h)s”，已忽略。") % {"h": written})
            continue
        if column.field in headers:
            warnings.append(
                _("列“%(h)s”与列“%(first)s”重复，只使用“%(first)s”。")
                % {"h": written, "first": headers[column.field]}
            )
            continue
        columns[j] = column
        headers[column.field] = written
    missing = [c.header for c in COLUMNS if c.required and c.field not in headers]
    if missing:
        raise ImportRefused(
            _("缺少必填列：%(cols)s。请在表头中加上这些列（可参考导入模板）。")
            % {"cols": enumeration(missing)}
        )
    return _Layout(index, columns, headers)


# --- reading -----------------------------------------------------------------------------------


def read_rows(content: bytes, filename: str) -> list[list[Any]]:
    """The first sheet's rows from the top (row 1 first, so index + 1 is Excel's row number)."""
    from python_calamine import CalamineError, CalamineWorkbook, PasswordError

    name = (filename or "").lower()
    if name.endswith(".csv"):
        raise ImportRefused(
            _(
                "不支持 CSV 文件：请在 Excel 中“另存为” .xlsx 格式后再导入（CSV 会丢失证件号码格式）。"
            )
        )
    if not name.endswith(ACCEPTED_EXTENSIONS):
        raise ImportRefused(_("请上传 Excel 文件（.xlsx 或 .xls）。"))
    if len(content) > MAX_BYTES:
        raise ImportRefused(_("文件超过 10 MB，不能导入。请拆分后分批导入。"))
    if content.startswith(b"PK\x03\x04"):
        # python-calamine holds the sheet whole, in this (web) process: check the parts' sizes
        # and ratios, and inflate them in bounded steps to catch sizes that lie, before it opens.
        try:
            check_workbook(io.BytesIO(content), ZIP_LIMITS, verify=True)
        except UnsafeWorkbook as exc:
            if exc.code != "corrupt":  # a broken file gets calamine's "cannot read" below
                raise ImportRefused(exc.message) from None
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(content))
        sheet = book.get_sheet_by_index(0)
        if sheet.end is not None and sheet.end[0] + 1 > _READ_CAP:
            raise ImportRefused(
                _("文件超过 %(n)s 行，不能一次导入。请拆分后分批导入。") % {"n": MAX_ROWS}
            )
        rows = sheet.to_python(skip_empty_area=False, nrows=_READ_CAP)
    except ImportRefused:
        raise
    except PasswordError:
        raise ImportRefused(_("文件设有打开密码，请取消密码后再导入。")) from None
    except (CalamineError, ValueError, OSError, IndexError):
        # An untrusted file can be broken in many ways; every one of them is "cannot read it".
        raise ImportRefused(
            _(
                "无法读取该文件：文件已损坏，或不是 Excel 工作簿。请用 Excel 打开并另存为 .xlsx 后重试。"
            )
        ) from None
    return [list(r) for r in rows]


# --- the import --------------------------------------------------------------------------------


def _row_name(cells: Sequence[Any], layout: _Layout) -> str:
    for j, column in layout.columns.items():
        if column.field == "name" and j < len(cells) and not _is_blank(cells[j]):
            return _text(cells[j])[:60]
    return ""


def _is_example(cells: Sequence[Any], layout: _Layout) -> bool:
    """The template's example row: a cell that is just 示例 (its 序号), or a name containing it."""
    return any(isinstance(c, str) and c.strip() == EXAMPLE_MARK for c in cells) or (
        EXAMPLE_MARK in _row_name(cells, layout)
    )


def _errors_of(exc: ValidationError, layout: _Layout) -> list[tuple[str, str]]:
    """(column header, message) for each message of a service error."""
    if not hasattr(exc, "error_dict"):
        return [("", str(m)) for m in exc.messages]
    out: list[tuple[str, str]] = []
    for f, messages in exc.message_dict.items():
        if f == NON_FIELD_ERRORS:
            header = ""
        elif f in layout.headers:
            header = layout.headers[f]
        elif f in _BY_FIELD:
            header = _BY_FIELD[f].header
        else:
            try:
                header = str(getattr(Worker._meta.get_field(f), "verbose_name", ""))
            except FieldDoesNotExist:
                header = ""
        out.extend((header, m) for m in dict.fromkeys(messages))
    return out


def _parse_row(
    cells: Sequence[Any], layout: _Layout
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The row's non-blank cells converted for the service, and the cells that could not be."""
    data: dict[str, Any] = {}
    errors: list[tuple[str, str]] = []
    for j, column in layout.columns.items():
        raw = cells[j] if j < len(cells) else None
        if _is_blank(raw):
            if column.required:
                errors.append((layout.headers[column.field], _("必填项不能为空。")))
            continue
        try:
            data[column.field] = column.parse(raw)
        except ValueError as exc:
            errors.append((layout.headers[column.field], str(exc)))
    return data, errors


class _Roster:
    """The employer's roster lines as they stand, read once: current lines by person, and every
    line by (person, start date) — one employment spell."""

    def __init__(self, employer: Employer) -> None:
        self.employer = employer
        self.current: dict[str, Worker] = {}
        self.by_start: dict[tuple[str, date], Worker] = {}
        for w in Worker.objects.filter(employer=employer).order_by("id"):
            self.put(w)

    def put(self, worker: Worker) -> None:
        worker.employer = self.employer  # the services read employer.grid_path: no query per row
        self.by_start[(worker.id_index, worker.started_on)] = worker
        if worker.left_on is None:
            self.current[worker.id_index] = worker

    def drop(self, index: str, started_on: date) -> None:
        worker = self.by_start.pop((index, started_on), None)
        if worker is not None and self.current.get(index) is worker:
            del self.current[index]

    def match(self, index: str, data: Mapping[str, Any]) -> Worker | None:
        """The line a row updates: the same spell (person and start date); else, for a row that
        does not say the person left, their current line (a corrected start date). A past spell
        that is not on the roster yet is added beside the current one, never written over it."""
        same_spell = self.by_start.get((index, data["started_on"]))
        if same_spell is not None or data.get("left_on"):
            return same_spell
        return self.current.get(index)


def import_roster(
    *,
    actor: User,
    employer: Employer,
    content: bytes,
    filename: str,
    request: Any = None,
) -> ImportResult:
    """Import a roster workbook into ``employer``'s 职工名册; see the module docstring.

    Raises :class:`ImportRefused` when the file as a whole cannot be used (nothing written).
    A person already current on this roster is updated (matched by the keyed hash of their
    identity number and start date, see :meth:`_Roster.match`), so importing the same file twice
    adds nothing. Blank cells leave a value as it is.
    """
    check_write(actor, Cap.WORK_WRITE, employer.grid_path)
    result = ImportResult()
    rows = read_rows(content, filename)
    layout = _find_header(rows, result.warnings)
    data_rows = [
        (i + 1, row)
        for i, row in enumerate(rows)
        if i > layout.header_row
        and any(not _is_blank(row[j]) for j in layout.columns if j < len(row))
    ]
    if len(data_rows) > MAX_ROWS:
        raise ImportRefused(
            _("文件超过 %(n)s 行，不能一次导入。请拆分后分批导入。") % {"n": MAX_ROWS}
        )
    if not data_rows:
        raise ImportRefused(_("表头下面没有数据行。"))

    roster = _Roster(employer)
    first_row_of: dict[str, int] = {}

    with transaction.atomic():
        for row_no, cells in data_rows:
            name = _row_name(cells, layout)
            if _is_example(cells, layout):
                result.warnings.append(
                    _("第 %(row)s 行是模板中的示例行，已跳过。") % {"row": row_no}
                )
                continue
            result.rows += 1
            data, errors = _parse_row(cells, layout)
            index = ""
            if not errors:
                try:
                    number = services.clean_person_id(
                        data.get("id_kind") or IdKind.RIC, data["id_number"]
                    )
                except ValidationError as exc:
                    errors.extend(_errors_of(exc, layout))
                else:
                    data["id_number"] = number
                    index = services.worker_index(data.get("id_kind") or IdKind.RIC, number)
            if errors:
                result.errors.extend(RowError(row_no, h, m, name) for h, m in errors)
                continue
            if index in first_row_of:
                result.warnings.append(
                    _("第 %(row)s 行与第 %(first)s 行是同一证件号码，按后一行更新。")
                    % {"row": row_no, "first": first_row_of[index]}
                )
            existing = roster.match(index, data)
            old_key = (index, existing.started_on) if existing is not None else None
            try:
                with transaction.atomic():  # a savepoint: a failing row undoes only itself
                    if existing is not None:
                        worker = services.update_worker(actor=actor, worker=existing, data=data)
                    else:
                        worker = services.add_worker(actor=actor, employer=employer, data=data)
            except (ValidationError, IntegrityError) as exc:
                if isinstance(exc, ValidationError):
                    found = _errors_of(exc, layout)
                else:  # a concurrent edit of the same roster took the place first
                    found = [("", _("与名册中已有记录冲突，未导入。"))]
                result.errors.extend(RowError(row_no, h, m, name) for h, m in found)
                if existing is not None and old_key is not None:
                    # The refused update changed the in-memory copy: read it again.
                    roster.drop(*old_key)
                    roster.put(Worker.objects.get(pk=existing.pk))
                continue
            if existing is not None and old_key is not None:
                result.updated += 1
                roster.drop(*old_key)
            else:
                result.added += 1
            roster.put(worker)
            first_row_of.setdefault(index, row_no)
        record(
            EmployerAction.ROSTER_IMPORTED,
            actor=actor,
            request=request,
            obj=employer,
            detail={
                "rows": result.rows,
                "added": result.added,
                "updated": result.updated,
                "rejected": result.rejected,
            },
        )
    return result


# --- the template ------------------------------------------------------------------------------


def template_workbook() -> bytes:
    """The import template: the headers (required ones marked), one example row marked 示例 with
    an obviously fake person, dropdowns for the choice columns, text format for the numbers."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("职工名册")
    bold = book.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
    required = book.add_format({"bold": True, "bg_color": "#FDE2E1", "border": 1})
    example = book.add_format({"font_color": "#8A8A8A", "italic": True})
    title = book.add_format({"bold": True, "font_size": 14})
    note = book.add_format({"font_color": "#666666"})
    sheet.write(0, 0, "职工名册", title)
    sheet.write(
        1,
        0,
        "红色表头为必填列。证件号码、联系电话请按文本填写；日期写成 2024-01-05。"
        "第 4 行是示例（序号为“示例”的行不会导入），可删除。",
        note,
    )
    header_row, first_data = 2, 3
    sheet.write(header_row, 0, "序号", bold)
    sheet.set_column(0, 0, 6)
    last = first_data + MAX_ROWS
    for j, c in enumerate(COLUMNS, start=1):
        sheet.write(header_row, j, c.header, required if c.required else bold)
        fmt = book.add_format({"num_format": c.number_format}) if c.number_format else None
        sheet.set_column(j, j, c.width, fmt)
        if c.choices:
            sheet.data_validation(
                first_data,
                j,
                last,
                j,
                {
                    "validate": "list",
                    "source": list(c.choices),
                    "error_title": c.header,
                    "error_message": "请从下拉列表中选择：" + "、".join(c.choices),
                },
            )
        elif c.number_format == "yyyy-mm-dd":
            sheet.data_validation(
                first_data,
                j,
                last,
                j,
                {
                    "validate": "date",
                    "criteria": "between",
                    "minimum": date(1950, 1, 1),
                    "maximum": date(2099, 12, 31),
                    "error_type": "warning",
                    "error_message": "请填写日期，例如 2024-01-05",
                },
            )
    # An obviously fake person: address code 000000 is no place in GB/T 2260 (check digit valid,
    # so the example shows the real shape of a number).
    fake_id = "000000199001010018"
    sample = {
        "name": "张示例",
        "gender": "男",
        "id_kind": "居民身份证",
        "id_number": fake_id,
        "phone": "13800000000",
        "hukou_address": "（示例）某省某县某镇某村",
        "current_address": "（示例）某县某街道",
        "employment_form": "全日制",
        "is_migrant": "是",
        "started_on": date(2024, 1, 5),
        "contract_term": "固定期限",
        "contract_end": date(2026, 1, 4),
        "left_on": "",
    }
    date_fmt = book.add_format({"num_format": "yyyy-mm-dd", "font_color": "#8A8A8A"})
    sheet.write(first_data, 0, EXAMPLE_MARK, example)
    for j, c in enumerate(COLUMNS, start=1):
        value = sample[c.field]
        if isinstance(value, date):
            sheet.write_datetime(first_data, j, value, date_fmt)
        else:
            sheet.write_string(first_data, j, value, example)
    sheet.freeze_panes(first_data, 0)
    book.close()
    return buffer.getvalue()

"""Normalise a whole register row: every cell through its field's normaliser, then the row rules.

:class:`RowNormaliser` is built once per file from the header row and the mapping (a plain
``{header: field or None}`` dict, see :mod:`~laborgrid.registers.presets`); its
:meth:`~RowNormaliser.normalise_cells` then takes each row from ``RegisterFile.rows()``. It never
raises for a bad value: it returns the clean values together with every problem found, each
naming the field and the column header as written in the file, so the importer can reject the row
("row 1207, column 成立日期: 日期 2031-01-01 晚于今天") without stopping the file.

Problems come in two kinds. **Errors** reject the row: an invalid code, a missing name, nothing to
identify the employer by, an unreadable date, capital or status, cells beyond the header (the row's
columns are probably shifted). **Warnings** keep the row without the value: advisory fields
(telephone, industry, coordinates) that cannot be read, a foreign-currency capital, a pair of
coordinates given the wrong way round (put right).

Row rules (the registry's, ``employers.services``, where it has one):

* ``name`` is required.
* At least one identity code (USCC, 工商注册号, 组织机构代码) is required — except for a
  个体工商户 with an address: old individual-business registers often carry no code, and the
  matcher can fall back on name + address (issue 4 §5).
* The organisation code embedded in a USCC (positions 9–17) fills ``org_code`` and must agree
  with one given separately.
* A blank type is taken from the USCC's category (``91`` enterprise, ``92`` individual business,
  ``51`` social organisation ...), else the source's default.
* Longitude and latitude go together and must lie in China.
* A blank cell is absent from ``clean`` (so an importer can tell "not given" from a value).
* Registered capital is stored in 万元 of renminbi: a capital in another currency is not put in
  ``registered_capital`` (that would be wrong by the exchange rate); it is kept as
  ``registered_capital_foreign`` with ``capital_currency`` for the import record, with a warning.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from functools import lru_cache, partial
from typing import Any, Final, NamedTuple

from django.utils import timezone
from django.utils.translation import gettext

from laborgrid.core.text import enumeration
from laborgrid.employers.choices import EmployerType
from laborgrid.lib.identifiers import normalise_code
from laborgrid.registers import normalise as norm
from laborgrid.registers.normalise import Capital, Cell, NormaliseError
from laborgrid.registers.presets import CODE_FIELDS, FIELD_LABELS
from laborgrid.registers.vocab import (
    default_employer_type,
    parse_employer_type,
    parse_industry,
    parse_status,
    type_from_uscc,
)

__all__ = ["MAX_LENGTHS", "FieldError", "RowNormaliser", "RowResult", "normalise_row"]

#: Column widths of ``Employer`` (and of the import record for the authority).
MAX_LENGTHS: Final = {
    "name": 200,
    "legal_rep": 60,
    "contact_person": 60,
    "address": 300,
    "registration_authority": 100,
}
#: A renminbi capital above this (in 万元: 100亿元) is suspicious enough to mention: the file's
#: capital column is probably in 元 without saying so in its header.
CAPITAL_SUSPICIOUS: Final = Decimal(1_000_000)


class FieldError(NamedTuple):
    """One problem in one row: the field, the column header as written ("" for row rules),
    the translated message and a code for programs."""

    field: str
    header: str
    message: str
    code: str = "invalid"
    value: str = ""  # the cell as written (the error report shows it, so a clerk sees what to fix)


class RowResult(NamedTuple):
    """``clean`` — field → normalised value (blank cells absent); ``errors`` — the row must be
    rejected if any; ``warnings`` — reported, the row is still good."""

    clean: dict[str, Any]
    errors: list[FieldError]
    warnings: list[FieldError]

    @property
    def ok(self) -> bool:
        return not self.errors


@lru_cache(maxsize=8192)
def _cached_short_text(value: Cell, max_length: int) -> str | None:
    return norm.clean_text(value, max_length=max_length)


def _any_code(value: Cell) -> tuple[str, str] | None:
    """A ``统一社会信用代码/注册号`` cell: (field, code) by the code's length."""
    text = norm.code_text(value)
    if text is None:
        return None
    length = len(normalise_code(text))
    if length == 18:
        code = norm.clean_uscc(text)
        return ("uscc", code) if code else None
    if length == 15:
        code = norm.clean_reg_number(text)
        return ("reg_number", code) if code else None
    if length == 9 or (length < 9 and not isinstance(value, str)):
        code = norm.clean_org_code(value)
        return ("org_code", code) if code else None
    raise NormaliseError(
        gettext("应为 18 位统一社会信用代码、15 位工商注册号或 9 位组织机构代码"), code="length"
    )


def _converters(
    source: str, today: date, hints: Mapping[str, str]
) -> dict[str, Callable[[Any], Any]]:
    """Field → cell normaliser, bound to this file's source, date and header hints."""
    authority_max = MAX_LENGTHS["registration_authority"]
    return {
        "uscc": norm.clean_uscc,
        "reg_number": norm.clean_reg_number,
        "org_code": norm.clean_org_code,
        "code": _any_code,
        "name": partial(norm.clean_name, max_length=MAX_LENGTHS["name"]),
        "former_names": norm.clean_names_list,
        "legal_rep": partial(norm.clean_name, max_length=MAX_LENGTHS["legal_rep"]),
        "contact_person": partial(norm.clean_name, max_length=MAX_LENGTHS["contact_person"]),
        "employer_type": partial(parse_employer_type, source=source),
        "industry": parse_industry,
        "established_on": partial(norm.parse_date, today=today),
        "registered_capital": partial(norm.parse_capital, hint=hints.get("registered_capital", "")),
        "status": parse_status,
        "address": partial(norm.clean_text, max_length=MAX_LENGTHS["address"]),
        "business_scope": partial(norm.clean_text, nfkc=False),
        "registration_authority": lambda v: _cached_short_text(v, authority_max),
        "contact_phone": norm.clean_phones,
        "lng": norm.parse_degrees,
        "lat": norm.parse_degrees,
        "coordinates": norm.parse_coordinates,
    }


class RowNormaliser:
    """Normalises the rows of one file; build it once, call it per row.

    Within one file, a column's converted values are remembered (``memoise``), so a status or
    a date that repeats down the register is converted once.
    ``headers`` are ``RegisterFile.headers``; ``mapping`` is ``{header: field or None}`` (from
    ``match_headers(...).mapping`` or a saved preset); ``hints`` are the header unit hints
    (``HeaderMatch.hints``); ``today`` bounds dates (default: today in the project's time zone).
    Raises ``ValueError`` for a mapping naming an unknown field or a field twice (a programming
    error: ``presets.check_mapping`` tells a person about it first).
    """

    def __init__(
        self,
        source: str,
        headers: Sequence[str],
        mapping: Mapping[str, str | None],
        *,
        hints: Mapping[str, str] | None = None,
        today: date | None = None,
        memoise: bool = True,
    ) -> None:
        self.source = source
        self.today = today or timezone.localdate()
        self.width = len(headers)
        converters = _converters(source, self.today, hints or {})
        position = {h: i for i, h in enumerate(headers)}
        self.plan: list[tuple[int, str, str, Callable[[Any], Any]]] = []
        self.header_of: dict[str, str] = {}
        for header, name in mapping.items():
            if name is None or header not in position:
                continue
            if name not in converters:
                raise ValueError(f"unknown field {name!r} for column {header!r}")
            if name in self.header_of:
                raise ValueError(f"field {name!r} mapped twice")
            self.header_of[name] = header
            self.plan.append((position[header], name, header, converters[name]))
        self.plan.sort()
        #: The mapped cells of a row, as a tuple (a C-level getter: no Python loop per cell).
        indexes = [i for i, *_rest in self.plan]
        self._mapped: Callable[[Sequence[Cell]], Any] = (
            operator.itemgetter(*indexes) if indexes else (lambda cells: ())
        )
        #: Per column, the results for values seen before (see :meth:`_remember`).
        self.memo: list[dict[Any, Any] | None] = [
            None if name in _NOT_MEMOISED or not memoise else {} for _i, name, _h, _c in self.plan
        ]
        self.rows = 0  # rows normalised so far
        self.has_coordinates = bool({"lng", "lat", "coordinates"} & self.header_of.keys())

    def mapped_text(self, cells: Sequence[Cell]) -> str | None:
        """The row's mapped cells as read, joined: what a register import's fingerprint covers
        (:mod:`laborgrid.registers.pipeline`). ``None`` for a record that was not read or has
        cells beyond the header (those are never taken as they stand)."""
        if getattr(cells, "reason", None) is not None or len(cells) > self.width:
            return None
        return repr(self._mapped(cells))

    def normalise_cells(self, cells: Sequence[Cell]) -> RowResult:
        """One row as ``RegisterFile.rows()`` yields it (one cell per header, maybe more)."""
        reason = getattr(cells, "reason", None)  # reading.UnreadableRecord: a record not read
        if reason is not None:
            self.rows += 1
            return RowResult({}, [FieldError("", "", reason, "unreadable")], [])
        clean: dict[str, Any] = {}
        errors: list[FieldError] = []
        warnings: list[FieldError] = []
        self.rows += 1
        for position, (index, name, header, convert) in enumerate(self.plan):
            value = cells[index]
            if value == "" or value is None:
                continue
            memo = self.memo[position]
            if memo is None:
                result = _converted(convert, value)
            else:
                result = memo.get(value, _MISSING)
                if result is _MISSING:
                    result = self._remember(position, memo, value, _converted(convert, value))
            if isinstance(result, NormaliseError):
                (errors if result.fatal else warnings).append(
                    FieldError(name, header, result.message, result.code, str(value))
                )
                continue
            if result is not None:
                clean[name] = result
        if len(cells) > self.width:
            self._extra_cells(cells, errors)
        self._row_rules(clean, errors, warnings)
        return RowResult(clean, errors, warnings)

    def _remember(self, position: int, memo: dict[Any, Any], value: Cell, result: Any) -> Any:
        """Keep ``result`` for the next cell with the same value. Status, type, date, capital,
        authority, scope repeat down a register: a column whose values mostly don't (names,
        codes, addresses) stops being remembered once that is clear."""
        if len(memo) == _MEMO_TRIAL and self.rows < _MEMO_TRIAL * 4 // 3:
            self.memo[position] = None  # three in four values new so far
        elif len(memo) < _MEMO_MAX:
            memo[value] = result
        return result

    def normalise(self, raw: Mapping[str, Cell]) -> RowResult:
        """A row given as ``{field: cell}``; every field must be in the mapping."""
        cells: list[Cell] = [""] * self.width
        index_of = {name: index for index, name, _header, _fn in self.plan}
        for name, value in raw.items():
            if name not in index_of:
                raise ValueError(f"field {name!r} is not mapped to a column")
            cells[index_of[name]] = value
        return self.normalise_cells(cells)

    # -- row rules --------------------------------------------------------------------------

    def _extra_cells(self, cells: Sequence[Cell], errors: list[FieldError]) -> None:
        columns = [str(i + 1) for i in range(self.width, len(cells)) if cells[i] not in ("", None)]
        errors.append(
            FieldError(
                "",
                "",
                gettext(
                    "第 %(cols)s 列超出表头范围，这一行的列可能错位（例如地址中有未加引号的逗号）"
                )
                % {"cols": enumeration(columns)},
                "extra_cells",
            )
        )

    def _header(self, name: str) -> str:
        return self.header_of.get(name, "")

    def _row_rules(
        self, clean: dict[str, Any], errors: list[FieldError], warnings: list[FieldError]
    ) -> None:
        if "code" in clean:
            kind, code = clean.pop("code")
            if clean.get(kind, code) != code:
                errors.append(
                    FieldError(
                        "code",
                        self._header("code"),
                        gettext("与“%(col)s”列的代码不一致") % {"col": self._header(kind)},
                        "code_conflict",
                    )
                )
            clean[kind] = code
        uscc = clean.get("uscc")
        if uscc:
            embedded = uscc[8:17]
            if clean.get("org_code", embedded) != embedded:
                errors.append(
                    FieldError(
                        "org_code",
                        self._header("org_code"),
                        gettext("组织机构代码与统一社会信用代码第 9–17 位（%(code)s）不一致")
                        % {"code": embedded},
                        "org_conflict",
                    )
                )
            clean["org_code"] = embedded
        if "employer_type" not in clean:
            found = type_from_uscc(uscc) if uscc else None
            clean["employer_type"] = found or default_employer_type(self.source)
        if "name" not in clean and not any(e.field == "name" for e in errors):
            errors.append(
                FieldError("name", self._header("name"), gettext("缺少单位名称"), "required")
            )
        if (
            "org_code" not in clean  # set whenever a USCC is
            and "reg_number" not in clean
            and not any(e.field in CODE_FIELDS for e in errors)
        ):
            individual = clean["employer_type"] == EmployerType.INDIVIDUAL
            if not (individual and clean.get("address")):
                errors.append(
                    FieldError(
                        "",
                        "",
                        gettext(
                            "缺少统一社会信用代码、注册号或组织机构代码（只有个体工商户可以仅凭名称和地址导入）"
                        ),
                        "no_identity",
                    )
                )
        if "registered_capital" in clean:
            self._capital(clean, warnings)
        if "contact_phone" in clean:
            phones = clean["contact_phone"]
            clean["contact_phone"] = phones[0]
            if len(phones) > 1:
                warnings.append(
                    FieldError(
                        "contact_phone",
                        self._header("contact_phone"),
                        gettext("有 %(n)s 个电话号码，只导入第一个") % {"n": len(phones)},
                        "several_phones",
                    )
                )
        if self.has_coordinates and ("lng" in clean or "lat" in clean or "coordinates" in clean):
            self._coordinates(clean, warnings)

    def _capital(self, clean: dict[str, Any], warnings: list[FieldError]) -> None:
        capital: Capital = clean["registered_capital"]
        if capital.currency == "CNY" and capital.amount < CAPITAL_SUSPICIOUS:
            clean["registered_capital"] = capital.amount
            return
        header = self._header("registered_capital")
        if capital.currency != "CNY":
            del clean["registered_capital"]
            clean["registered_capital_foreign"] = capital.amount
            clean["capital_currency"] = capital.currency
            warnings.append(
                FieldError(
                    "registered_capital",
                    header,
                    gettext("注册资本以外币（%(currency)s）计，登记库只记录人民币金额，未导入该值")
                    % {"currency": capital.currency},
                    "foreign_currency",
                )
            )
            return
        clean["registered_capital"] = capital.amount
        if capital.amount >= CAPITAL_SUSPICIOUS:
            warnings.append(
                FieldError(
                    "registered_capital",
                    header,
                    gettext(
                        "注册资本 %(amount)s 万元异常大，请确认单位（表头可注明“注册资本（元）”）"
                    )
                    % {"amount": format(capital.amount.normalize(), "f")},
                    "capital_suspicious",
                )
            )

    def _coordinates(self, clean: dict[str, Any], warnings: list[FieldError]) -> None:
        pair = clean.pop("coordinates", None)
        lng, lat = clean.pop("lng", None), clean.pop("lat", None)
        if pair is not None and lng is None and lat is None:
            clean["lng"], clean["lat"] = pair
            return
        name = "lng" if lng is not None else "lat"
        if lng is None or lat is None:
            warnings.append(
                FieldError(
                    name,
                    self._header(name),
                    gettext("经度和纬度须同时填写，未导入"),
                    "coordinate_half",
                )
            )
            return
        try:
            lng, lat, swapped = norm.check_china(lng, lat)
        except NormaliseError as exc:
            warnings.append(FieldError("lng", self._header("lng"), exc.message, exc.code))
            return
        clean["lng"], clean["lat"] = lng, lat
        if swapped:
            warnings.append(
                FieldError(
                    "lng",
                    self._header("lng"),
                    gettext("经度和纬度填反了，已按数值范围纠正"),
                    "coordinate_swapped",
                )
            )


_MISSING: Final = object()
#: Converted values a column remembers at most, and after how many different values it is
#: judged (more than three quarters of them different: not worth remembering).
_MEMO_MAX: Final = 50_000
_MEMO_TRIAL: Final = 4_000
#: Columns never remembered: personal information (telephone numbers).
_NOT_MEMOISED: Final = frozenset({"contact_phone"})


def _converted(convert: Callable[[Any], Any], value: Cell) -> Any:
    """``convert(value)``, or the problem it raised (kept like a value)."""
    try:
        return convert(value)
    except NormaliseError as exc:
        return exc


@lru_cache(maxsize=64)
def _normaliser(source: str, fields: tuple[str, ...], today: date) -> RowNormaliser:
    labels = [str(FIELD_LABELS.get(f, f)) for f in fields]
    # Shared by every caller in the process, row by row: nothing remembered between rows.
    mapping = dict(zip(labels, fields, strict=True))
    return RowNormaliser(source, labels, mapping, today=today, memoise=False)


def normalise_row(raw: Mapping[str, Cell], source: str, *, today: date | None = None) -> RowResult:
    """Normalise one row given as ``{field: cell}`` (headers in problems are the field labels).

    For files use :class:`RowNormaliser` with the file's headers and mapping instead: it is
    built once and names the columns as the file writes them.
    """
    return _normaliser(source, tuple(raw), today or timezone.localdate()).normalise(raw)

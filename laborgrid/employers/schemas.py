"""Request and response schemas of ``/api/v1/employers`` (``laborgrid.employers.api``).

Two kinds live here:

* **Output** schemas (``*Out``): ninja ``Schema`` subclasses, registered as OpenAPI components by
  ninja itself. Personal numbers only ever appear masked (``contact_phone``, ``id_masked``,
  ``phone_masked``); the full values come from the reveal endpoint alone.
* **Input** schemas (``*In``, ``EmployerPatch``): plain pydantic models that the endpoints validate
  themselves, *after* the scope and capability checks. ninja would validate a declared body before
  the view runs, so a 马场镇 key or a read-only leader would get a 422 about the body instead of
  the 404/403 the scope rules demand (and would learn that way that the record exists). Their JSON
  schema is put into the OpenAPI document by :func:`request_body`. Unknown keys are refused
  (``extra="forbid"``): a misspelt field in a PATCH must not be silently ignored.

Domain rules (codes, counts, dates, contracts ≤ employees…) are not repeated here: the services
check them and name the field. The schemas check only types and what no database can store
(NaN, infinities, lone surrogates).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import BaseModel, ConfigDict, field_validator

from laborgrid.core.paging import OffsetParams
from laborgrid.employers.choices import (
    ContractTerm,
    EmployerStatus,
    EmployerType,
    EmploymentForm,
    Gender,
    HoursSystem,
    IdKind,
    Industry,
    PayMethod,
    RiskFlag,
)

# --- errors ------------------------------------------------------------------------------------


class Message(Schema):
    detail: str


class ErrorsOut(Schema):
    """422: what is wrong, by field (``__all__`` for a rule about the whole record)."""

    detail: str
    errors: dict[str, list[str]] | list[dict[str, Any]] = Field(
        ...,
        description="field name → messages (`__all__`: the record as a whole); for malformed "
        "query or path parameters, ninja's list of errors with their `loc`",
    )


class DuplicateOut(Schema):
    id: int | None = None
    name: str | None = None
    reason: str
    hard: bool = Field(
        ...,
        description="true: the same code, certainly the same employer — saving is refused even "
        "with confirm_not_duplicate",
    )
    url: str | None = None


class ConflictOut(Schema):
    """409: possible duplicates (create, rename), or an edit conflict (stale ``version``)."""

    detail: str
    registered_elsewhere: bool = Field(
        False,
        description="a code you sent belongs to a record outside your grids: saving is refused; "
        "nothing else about that record is given (ask the county inspection brigade)",
    )
    duplicates: list[DuplicateOut] = Field(
        default_factory=list,
        description="the candidates in your grids; empty for an edit conflict",
    )


# --- list --------------------------------------------------------------------------------------


class EmployerFilters(Schema):
    """The list page's filters, by the same names (``laborgrid.employers.filters``)."""

    q: str | None = Field(
        None,
        description="substring of name, former names, address or legal representative (any "
        "length, Chinese included), or the start of a code (USCC, organisation code, "
        "registration number)",
    )
    grid: str | None = Field(
        None, description="grid code: the employers in that grid's subtree (empty if not yours)"
    )
    employer_type: EmployerType | None = None
    industry: Industry | None = Field(None, description="GB/T 4754 section letter")
    status: EmployerStatus | None = None
    flag: list[RiskFlag] = Field(
        default_factory=list, description="risk flags, repeatable; all given must hold"
    )
    sort: Literal["name", "-employees", "-id"] = Field(
        "name", description="name; -employees (most first); -id (newest first)"
    )
    cursor: str | None = Field(
        None, description="`next_cursor` of the previous page (same filters and sort)"
    )
    limit: int = Field(50, ge=1, le=200)


class EmployerOut(Schema):
    id: int
    uscc: str | None
    org_code: str
    reg_number: str
    name: str
    former_names: list[str]
    employer_type: str
    industry: str
    status: str
    legal_rep: str
    contact_person: str
    contact_phone: str = Field(..., description="masked; never the full number")
    address: str
    lat: float | None
    lng: float | None
    established_on: date | None
    registered_capital: Decimal | None = Field(..., description="万元")
    grid: str = Field(..., description="grid code")
    grid_name: str
    grid_method: str = Field(
        ..., description="how the grid was chosen: location, address, manual, unassigned…"
    )
    employees: int = Field(..., description="from the current labour-use snapshot")
    last_collected_on: date | None
    stale: bool = Field(..., description="not collected for more than 6 months (or never)")
    risk_flags: list[str]
    merged_into: int | None
    version: int = Field(..., description="send it back with PATCH (optimistic locking)")
    url: str | None = Field(..., description="the archive page")


class EmployerPage(Schema):
    count: int = Field(..., description="exact up to the cap, see count_capped")
    count_capped: bool = Field(..., description="true: more rows than `count` says")
    next_cursor: str | None
    items: list[EmployerOut]


# --- snapshots ---------------------------------------------------------------------------------


class SnapshotOut(Schema):
    id: int
    collected_on: date
    method: str
    source: str
    standard: str = Field(..., description="version of the collection standard")
    collector_name: str
    employees: int
    migrant_workers: int | None
    women: int | None
    juveniles: int | None
    dispatched: int | None
    contracts_signed: int
    roster_kept: bool | None
    insured_pension: int | None
    insured_medical: int | None
    insured_unemployment: int | None
    insured_injury: int | None
    insured_maternity: int | None
    pay_day: int | None
    pay_method: str
    lowest_monthly_wage: Decimal | None
    arrears: bool
    arrears_amount: Decimal | None
    arrears_workers: int | None
    arrears_months: int | None
    hours_system: str
    hours_approval_no: str
    rules_filed: bool | None
    is_construction: bool
    real_name_register: bool | None
    wage_account: bool | None
    wage_deposit: bool | None
    rights_board: bool | None
    gps_lat: float | None
    gps_lng: float | None
    gps_accuracy: float | None
    note: str
    minimum_wage: Decimal | None = Field(
        ..., description="the minimum wage in force there on collected_on"
    )
    contract_rate: float | None = Field(..., description="contracts_signed / employees")
    insurance_rates: dict[str, float | None] = Field(
        ..., description="coverage per kind of social insurance (null: not collected)"
    )
    below_minimum_wage: bool
    withdrawn: bool
    withdraw_reason: str


class SourceOut(Schema):
    source: str
    label: str
    reference: str
    registered_status: str
    first_seen_on: date
    last_seen_on: date


class EmployerDetailOut(EmployerOut):
    business_scope: str
    grid_note: str
    current: SnapshotOut | None = Field(..., description="the current labour-use snapshot")
    sources: list[SourceOut]


class SnapshotList(Schema):
    count: int
    items: list[SnapshotOut]


# --- roster ------------------------------------------------------------------------------------


class WorkerFilters(OffsetParams):
    current: bool = Field(True, description="true: people still employed; false: everyone")
    limit: int = Field(100, ge=1, le=1000)


class WorkerOut(Schema):
    id: int
    name: str
    gender: str
    id_kind: str
    id_masked: str
    phone_masked: str
    birth_year: int | None
    employment_form: str
    is_migrant: bool
    started_on: date
    contract_term: str
    contract_end: date | None
    left_on: date | None


class WorkerPage(Schema):
    count: int
    items: list[WorkerOut]


class RevealOut(Schema):
    value: str = Field(..., description="the full number (empty if none was recorded)")


# --- input -------------------------------------------------------------------------------------

# Floats: NaN and infinities pass Django's range validators (every comparison is false) and are
# not JSON, so they are refused here.
_Lat = Field(None, ge=-90, le=90, allow_inf_nan=False)
_Lng = Field(None, ge=-180, le=180, allow_inf_nan=False)


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _storable(cls, value: Any) -> Any:
        # A lone surrogate ("\ud800" in JSON) cannot be encoded for the database, nor can NUL.
        for text in value if isinstance(value, list) else [value]:
            if isinstance(text, str):
                if "\x00" in text:
                    raise ValueError("NUL character")
                try:
                    text.encode("utf-8")
                except UnicodeEncodeError as exc:
                    raise ValueError("invalid character") from exc
        return value


class _EmployerFields(_Input):
    """The editable fields of ``services.EMPLOYER_FIELDS`` plus the contact phone and the grid."""

    uscc: str | None = Field(None, description="统一社会信用代码 (GB 32100)")
    org_code: str | None = Field(None, description="组织机构代码 (GB 11714)")
    reg_number: str | None = Field(None, description="legacy 15-digit 工商注册号")
    former_names: list[str] | None = None
    industry: Industry | None = None
    legal_rep: str | None = None
    contact_person: str | None = None
    contact_phone: str | None = Field(None, description="stored encrypted, shown masked")
    address: str | None = None
    lat: float | None = _Lat
    lng: float | None = _Lng
    established_on: date | None = None
    registered_capital: Decimal | None = Field(None, description="万元", allow_inf_nan=False)
    business_scope: str | None = None
    grid: str | None = Field(
        None,
        description="grid code chosen by a person (overrides placement by location or "
        "address); must be a grid you can see (422 on `grid` otherwise) and may register "
        "employers in (403 otherwise)",
    )
    grid_reason: str = Field("", description="why the grid was chosen by hand")
    confirm_not_duplicate: bool = Field(
        False, description="save despite a probable (not certain) duplicate"
    )


class EmployerIn(_EmployerFields):
    name: str
    employer_type: EmployerType
    status: EmployerStatus = EmployerStatus.OPERATING


class EmployerPatch(_EmployerFields):
    """Only the fields present are changed; ``null`` clears a field."""

    version: int = Field(..., description="the `version` the change was made on")
    reason: str = Field("", description="why (kept in the change history)")
    name: str | None = None
    employer_type: EmployerType | None = None
    status: EmployerStatus | None = None


#: Body keys that are not employer fields (passed to the services as arguments).
EMPLOYER_CONTROL_KEYS = frozenset(
    {"grid", "grid_reason", "confirm_not_duplicate", "version", "reason"}
)


class SnapshotIn(_Input):
    """The labour-use facts of one collection (DOMAIN A3; ``services.SNAPSHOT_FIELDS``)."""

    method: Literal["office", "written_review", "inspection", "field_visit"] = "office"
    source: str = Field("", max_length=100, description="where the facts come from")
    collected_on: date | None = Field(None, description="default: today")
    employees: int
    contracts_signed: int
    migrant_workers: int | None = None
    women: int | None = None
    juveniles: int | None = None
    dispatched: int | None = None
    roster_kept: bool | None = None
    insured_pension: int | None = None
    insured_medical: int | None = None
    insured_unemployment: int | None = None
    insured_injury: int | None = None
    insured_maternity: int | None = None
    pay_day: int | None = None
    pay_method: PayMethod | None = None
    lowest_monthly_wage: Decimal | None = Field(None, allow_inf_nan=False)
    arrears: bool = False
    arrears_amount: Decimal | None = Field(None, allow_inf_nan=False)
    arrears_workers: int | None = None
    arrears_months: int | None = None
    hours_system: HoursSystem | None = None
    hours_approval_no: str = ""
    rules_filed: bool | None = None
    is_construction: bool = False
    real_name_register: bool | None = None
    wage_account: bool | None = None
    wage_deposit: bool | None = None
    rights_board: bool | None = None
    gps_lat: float | None = _Lat
    gps_lng: float | None = _Lng
    gps_accuracy: float | None = Field(None, ge=0, allow_inf_nan=False)
    note: str = ""


class WorkerIn(_Input):
    """One roster line (劳动合同法实施条例 Art. 8; ``services.WORKER_FIELDS``)."""

    name: str
    gender: Gender | None = Field(None, description="taken from a resident ID number if omitted")
    id_kind: IdKind = IdKind.RIC
    id_number: str = Field(..., description="stored encrypted, answered masked")
    phone: str = Field("", description="stored encrypted, answered masked")
    hukou_address: str = ""
    current_address: str = ""
    employment_form: EmploymentForm = EmploymentForm.FULL_TIME
    is_migrant: bool = False
    started_on: date
    contract_term: ContractTerm = ContractTerm.FIXED
    contract_end: date | None = None
    left_on: date | None = None


class RevealIn(_Input):
    field: Literal["id_number", "phone"]
    reason: str = Field(..., description="why the full number is needed (audited)")


def request_body(model: type[BaseModel]) -> dict[str, Any]:
    """``openapi_extra`` documenting ``model`` as the JSON request body of an operation.

    The schema is inlined (``$defs`` resolved) because these models are not ninja components.
    """
    schema = model.model_json_schema()
    defs = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                merged = {**defs[ref.removeprefix("#/$defs/")], **node}
                merged.pop("$ref")
                return resolve(merged)
            return {k: resolve(v) for k, v in node.items()}
        if isinstance(node, list):
            return [resolve(v) for v in node]
        return node

    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": resolve(schema)}},
        }
    }

"""API payloads of ``/api/v1/rectifications``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from laborgrid.core.paging import OffsetParams

_CAP = 20000


class Message(Schema):
    detail: Any


class ErrorsOut(Schema):
    detail: Any
    errors: dict[str, list[str]] = {}


class OrderFilters(OffsetParams):
    state: str = Field("", description="a state, or `active` (still followed up)")
    overdue: bool = Field(False, description="only orders past their period, unanswered")
    grid: str = Field("", max_length=32, description="a grid code: its subtree")
    employer: str = Field("", max_length=18, description="an employer id")
    q: str = Field("", max_length=100, description="employer name or order number contains")


class ItemIn(Schema):
    text: str = Field(max_length=_CAP)
    checklist_key: str = Field(
        max_length=100, description="a key of the violations table (e.g. no_written_contract)"
    )
    working_days: int = Field(10, ge=-1000, le=1000)


class IssueIn(Schema):
    employer_id: int = Field(ge=1, le=2**62)
    items: list[ItemIn] = Field(max_length=100)


class RespondIn(Schema):
    note: str = Field("", max_length=_CAP)
    responded_on: dt.date | None = None


class FindingIn(Schema):
    item_id: int = Field(ge=1, le=2**62)
    corrected: bool
    note: str = Field("", max_length=_CAP)


class RecheckIn(Schema):
    inspector_2: str = Field(max_length=150, description="the second inspector's username")
    findings: list[FindingIn] = Field(max_length=100)
    note: str = Field("", max_length=_CAP)
    rechecked_on: dt.date | None = None


class CloseIn(Schema):
    note: str = Field("", max_length=_CAP)


class EscalateIn(Schema):
    reason: str = Field("", max_length=_CAP)


class ItemOut(Schema):
    id: int
    position: int
    text: str
    checklist_key: str
    violated: str
    working_days: int
    due: dt.date
    result: str
    result_note: str


class OrderRow(Schema):
    id: int
    number: str
    state: str
    employer_id: int
    employer_name: str
    grid: dict[str, str]
    issued_on: dt.date
    due: dt.date
    overdue: bool
    url: str


class OrderPage(Schema):
    count: int
    items: list[OrderRow]


class OrderOut(OrderRow):
    basis: str
    source: dict[str, str] | None
    items: list[ItemOut]
    responded_on: dt.date | None
    response_note: str
    rechecked_on: dt.date | None
    recheck_note: str
    closed_on: dt.date | None
    escalated_on: dt.date | None
    case_id: int | None
    files: list[dict[str, Any]]
    document_url: str

"""API payloads of the cases endpoints (public intake and staff)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from ninja import Field, Schema

from laborgrid.core.paging import OffsetParams

# Text fields are capped well above the service's limits so that an oversized value reaches the
# service and gets its message ("最多 N 个字符"), while a megabyte string is still refused early.
_CAP = 20000


class Message(Schema):
    detail: Any


class ErrorsOut(Schema):
    detail: Any
    errors: dict[str, list[str]] = {}


class PersonIn(Schema):
    name: str = Field("", max_length=_CAP)
    id_number: str = Field("", max_length=100)
    phone: str = Field("", max_length=100)
    gender: str = Field("", max_length=10)
    address: str = Field("", max_length=_CAP)
    workers_represented: int = Field(1, ge=1, le=100000)


class PublicComplaintIn(Schema):
    submission_key: uuid.UUID = Field(
        description="a UUID the client makes once per complaint and repeats on retry: the same "
        "key returns the same case (nothing is filed twice)"
    )
    kind: str = Field("complaint", description="complaint (投诉, real name) or report (举报)")
    is_dispute: bool = Field(
        False, description="a labour dispute: recorded and referred to arbitration"
    )
    complainants: list[PersonIn] = Field(default_factory=list, max_length=20)
    employer_name: str = Field("", max_length=_CAP)
    employer_code: str = Field("", max_length=_CAP)
    employer_address: str = Field("", max_length=_CAP)
    employer_contact: str = Field("", max_length=_CAP)
    work_address: str = Field("", max_length=_CAP)
    work_lat: float | None = None
    work_lng: float | None = None
    category: str = Field("", description="条例 Art. 11 subject: wages, contract, hours, ...")
    facts: str = Field("", max_length=_CAP)
    request: str = Field("", max_length=_CAP)
    amount_owed: str | None = Field(None, max_length=30)
    months_owed: int | None = Field(None, ge=0, le=600)
    workers_affected: int | None = Field(None, ge=1, le=100000)
    violation_start: dt.date | None = None
    violation_end: dt.date | None = None
    is_continuing: bool = False


class SubmittedOut(Schema):
    tracking_code: str
    created: bool
    status: str


class StepOut(Schema):
    at: dt.datetime
    label: str


class PublicStatusOut(Schema):
    kind: str
    received_on: dt.date
    status: str
    state: str
    steps: list[StepOut]
    result: str


class CaseFilters(OffsetParams):
    grid: str | None = Field(None, description="grid code: cases in its subtree")
    state: str | None = Field(None, description="a case state, or `open` for every open state")
    category: str | None = None
    overdue: bool | None = Field(None, description="only cases with a deadline past due")
    escalated: bool | None = Field(None, description="only cases under supervision (挂牌督办)")
    q: str | None = Field(None, max_length=100)


class GridRef(Schema):
    code: str
    name: str


class CaseOut(Schema):
    id: int
    reference: str
    kind: str
    channel: str
    state: str
    category: str
    employer_name: str
    employer_id: int | None
    grid: GridRef
    received_on: dt.date
    escalated: bool
    overdue: bool
    url: str


class CasePage(Schema):
    count: int
    items: list[CaseOut]


class DeadlineOut(Schema):
    kind: str
    label: str
    start: dt.date
    days: int
    day_type: str
    due: dt.date | None
    calendar_version: str
    missing_years: list[int]
    provisional: bool = Field(
        description="true: computed from weekends and statutory holidays because a year's "
        "holiday notice (named in missing_years) is not entered yet (暂定); recomputed when it is"
    )
    met_on: dt.date | None
    status: str
    days_left: int | None


class TransitionOut(Schema):
    action: str
    from_state: str
    to_state: str
    actor: str | None
    approver: str | None
    at: dt.datetime
    reason: str


class ComplainantOut(Schema):
    id: int
    name: str
    id_number: str = Field(description="masked")
    phone: str = Field(description="masked")
    is_representative: bool
    workers_represented: int


class RecordOut(Schema):
    id: int
    kind: str
    title: str
    occurred_on: dt.date
    inspectors: list[str]
    has_file: bool


class DocumentOut(Schema):
    id: int
    doc_type: str
    title: str
    number: str
    issued_at: dt.datetime
    served_on: dt.date | None


class CaseDetailOut(CaseOut):
    platform_ref: str
    platform_conclusion: str
    facts: str
    request: str
    employer_code: str
    employer_address: str
    work_address: str
    amount_owed: str | None
    months_owed: int | None
    workers_affected: int
    filed_on: dt.date | None
    decision_kind: str
    closure_kind: str
    amount_recovered: str
    workers_helped: int
    penalty_amount: str
    public_result: str
    calendar_warning: str
    merged_into: int | None
    employer_id: int | None = Field(None, description="the linked registry employer")
    handlers: list[str] = Field(default_factory=list, description="the two 承办人")
    complainants: list[ComplainantOut]
    deadlines: list[DeadlineOut]
    transitions: list[TransitionOut]
    records: list[RecordOut]
    documents: list[DocumentOut]
    allowed_actions: list[str]


class RerouteIn(Schema):
    grid: str = Field(..., max_length=64, description="code of the grid the case goes to")
    reason: str = Field("", max_length=5000)


class MergeIn(Schema):
    into: int = Field(..., description="id of the open case the duplicate is merged into")
    reason: str = Field("", max_length=5000)


class ActionIn(Schema):
    reason: str = Field("", max_length=5000)
    approver: str | None = Field(None, description="user id or username (extend, suspend)")
    ground: str | None = Field(None, description="refuse: refusal ground")
    redirect_kind: str | None = None
    decision_kind: str | None = Field(
        None, description="decide: correction_order, handling_decision, penalty"
    )
    summary: str | None = Field(None, max_length=5000)
    penalty_amount: str | None = Field(None, max_length=30)
    rectification_due: dt.date | None = None
    filed_on: dt.date | None = Field(None, description="file: the approval date (default today)")
    served_on: dt.date | None = Field(None, description="serve, demand: date of service")
    service_method: str | None = Field(
        None, description="serve, demand: direct, lodged, post, public_notice, electronic"
    )
    service_proof: str | None = Field(
        None, max_length=200, description="serve, demand: 送达回证, postal number, notice..."
    )
    defence: str | None = Field(
        None, description="record_defence: waived, statement, hearing_requested, hearing"
    )
    defence_on: dt.date | None = None
    defence_outcome: str | None = Field(None, max_length=5000)
    hearing_on: dt.date | None = None
    closure_kind: str | None = None
    public_result: str | None = Field(None, max_length=5000)
    handler_1: str | None = Field(None, description="assign: first 承办人 (user id or username)")
    handler_2: str | None = Field(None, description="assign: second 承办人 (user id or username)")
    employer: str | None = Field(
        None,
        max_length=32,
        description="link_employer: registered employer id or USCC; empty removes the link",
    )


class EmployerCandidateOut(Schema):
    id: int
    name: str
    uscc: str | None
    address: str
    legal_rep: str
    reasons: list[str] = Field(description="why it may be the case's employer")
    certain: bool = Field(description="the same unified social credit code")

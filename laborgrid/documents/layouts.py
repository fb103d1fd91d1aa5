"""The documents' layouts (DOMAIN B1.11): what each type prints, and the context keys it reads.

Four layouts cover the procedure's documents:

* **notice** (通知书、指令书、决定书、告知书): issuing authority, title, number, addressee, the
  type's statutory wording around the caller's facts and items, legal basis, rights, the issuing
  authority and date with the seal mark, and — for documents served on a party — receipt lines;
* **approval** (审批表): a bordered form: case, party, summary or reason, then the opinions of the
  handling inspectors, the reviewer and the head, each with signature and date;
* **record** (笔录): time, place, the two inspectors and their certificate numbers (行政处罚法
  Art. 42, 55), the person or unit, the opening statement, questions and answers (询问) or the
  findings (现场检查), and signature lines; every page carries the "signed page X of Y" footer;
* **receipt** (送达回证): the document served, the addressee, place, method, server and the
  receiver's signature.

Every key a type reads is listed in its ``DocSpec`` (required / optional); ``validate`` refuses a
missing required key and an unknown key, so a typo in the caller fails loudly. All values are
plain text: they are never interpreted as markup (fpdf2 ``markdown`` is off) and control and
format characters (bidi overrides, zero-width) are removed.
"""

from __future__ import annotations

import datetime
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypedDict

from django.utils import timezone

from laborgrid.documents.choices import DocumentType


class Layout(StrEnum):
    NOTICE = "notice"
    APPROVAL = "approval"
    RECORD = "record"
    RECEIPT = "receipt"


# --- the context types ---------------------------------------------------------------------------


class PartyInfo(TypedDict, total=False):
    """The party (当事人) or the person/unit questioned or inspected."""

    name: str  # unit or person name (required when a party is given)
    code: str  # 统一社会信用代码, or an ID number for a person
    legal_rep: str  # 法定代表人（负责人）
    address: str
    phone: str
    position: str  # a person's relation to the unit (e.g. 人事经理), for records


class Inspector(TypedDict):
    name: str
    certificate: str  # 执法证号


class Opinion(TypedDict, total=False):
    role: str  # e.g. 承办人意见, 审核意见, 负责人审批意见 (required)
    text: str
    signer: str
    date: datetime.date


class NoticeContext(TypedDict, total=False):
    """Keys of the notice layout; which ones a type requires is in ``SPECS``."""

    number: str  # from services.allocate_number
    addressee: str  # 抬头, e.g. "贵州某某建筑有限公司" (the colon is added)
    party: PartyInfo  # decisions: the party's basic information
    received_on: datetime.date  # intake notices: when the complaint was received
    respondent: str  # intake notices: the employer complained about
    paragraphs: Sequence[str]  # facts found / reasons, one paragraph each
    items: Sequence[str]  # numbered: orders, decided items, materials
    legal_basis: str  # the provisions violated / applied, e.g. "《劳动保障监察条例》第二十六条"
    deadline: datetime.date  # 改正、履行、补正 deadline
    appear_at: datetime.datetime  # inquiry notice: when to come
    place: str  # inquiry notice: where to come
    referral: str  # rejection: where to turn instead (e.g. 劳动人事争议仲裁委员会)
    hearing: bool  # prior notice: the party may ask for a hearing (行政处罚法 Art. 63)
    payment: str  # penalty decision: where to pay the fine
    reconsideration_body: str  # 行政复议机关
    court: str  # 人民法院 for 行政诉讼
    contact: str  # 联系人及电话
    authority: str  # issuing authority, e.g. 大方县人力资源和社会保障局
    date: datetime.date  # date of issue


class ApprovalContext(TypedDict, total=False):
    number: str
    case_number: str  # the case's own number
    case_title: str  # 案由
    source: str  # 案件来源 (投诉、举报、日常巡查…)
    party: PartyInfo
    summary: str  # 简要案情 / 调查结论
    reason: str  # extension / suspension: the reason
    period: str  # extension: the new period; suspension: until when
    outcome: str  # closure: the result (amounts recovered, penalties, rectification)
    handlers: Sequence[str]  # 承办人
    opinions: Sequence[Opinion]
    authority: str
    date: datetime.date


class RecordContext(TypedDict, total=False):
    number: str
    case_title: str
    started_at: datetime.datetime
    ended_at: datetime.datetime
    place: str
    inspectors: Sequence[Inspector]  # at least two (行政处罚法 Art. 42)
    recorder: str
    subject: PartyInfo  # the person questioned / the unit inspected
    present: str  # inspection: who else was present (在场人)
    disclosure: str  # replaces the default opening statement
    qa: Sequence[tuple[str, str]]  # interview: (question, answer)
    findings: Sequence[str]  # inspection: what was found, one paragraph each
    authority: str


class ServiceReceiptContext(TypedDict, total=False):
    number: str
    document_title: str  # the document served
    document_number: str
    addressee: str
    address: str
    method: str  # 直接送达、留置送达、邮寄送达…
    servers: Sequence[str]  # 送达人
    served_at: datetime.datetime  # filled in when known, else a blank to write by hand
    note: str
    authority: str


@dataclass(frozen=True)
class DocSpec:
    layout: Layout
    abbr: str  # the type's word in the number: 大人社监〔2026〕{abbr}字第12号
    required: frozenset[str]
    optional: frozenset[str]
    receipt: bool = False  # print receipt lines (served on a party)

    @property
    def keys(self) -> frozenset[str]:
        return self.required | self.optional


def _spec(
    layout: Layout, abbr: str, required: str, optional: str, receipt: bool = False
) -> DocSpec:
    return DocSpec(layout, abbr, frozenset(required.split()), frozenset(optional.split()), receipt)


_NOTICE_COMMON = "number contact"
_APPROVAL_OPTIONAL = "number case_number source party handlers opinions date"
_RECORD_REQUIRED = "started_at place inspectors recorder subject authority"

SPECS: dict[DocumentType, DocSpec] = {
    DocumentType.ACCEPTANCE_NOTICE: _spec(
        Layout.NOTICE,
        "受",
        "addressee received_on respondent authority date",
        f"{_NOTICE_COMMON} paragraphs",
    ),
    DocumentType.REJECTION_NOTICE: _spec(
        Layout.NOTICE,
        "不受",
        "addressee received_on respondent paragraphs authority date",
        f"{_NOTICE_COMMON} referral legal_basis reconsideration_body court",
    ),
    DocumentType.CORRECTION_REQUEST: _spec(
        Layout.NOTICE,
        "补",
        "addressee received_on respondent items deadline authority date",
        _NOTICE_COMMON,
    ),
    DocumentType.INQUIRY_NOTICE: _spec(
        Layout.NOTICE,
        "询",
        "addressee appear_at place authority date",
        f"{_NOTICE_COMMON} paragraphs items",
        receipt=True,
    ),
    DocumentType.CORRECTION_ORDER: _spec(
        Layout.NOTICE,
        "责改",
        "addressee paragraphs legal_basis items deadline authority date",
        f"{_NOTICE_COMMON} party",
        receipt=True,
    ),
    DocumentType.HANDLING_DECISION: _spec(
        Layout.NOTICE,
        "处理",
        "party paragraphs legal_basis items deadline reconsideration_body court authority date",
        _NOTICE_COMMON,
        receipt=True,
    ),
    DocumentType.PENALTY_PRIOR_NOTICE: _spec(
        Layout.NOTICE,
        "罚告",
        "party paragraphs legal_basis items authority date",
        f"{_NOTICE_COMMON} hearing",
        receipt=True,
    ),
    DocumentType.PENALTY_DECISION: _spec(
        Layout.NOTICE,
        "罚",
        "party paragraphs legal_basis items payment reconsideration_body court authority date",
        _NOTICE_COMMON,
        receipt=True,
    ),
    DocumentType.FILING_APPROVAL: _spec(
        Layout.APPROVAL, "立", "case_title summary authority", _APPROVAL_OPTIONAL
    ),
    DocumentType.EXTENSION_APPROVAL: _spec(
        Layout.APPROVAL, "延", "case_title reason period authority", f"{_APPROVAL_OPTIONAL} summary"
    ),
    DocumentType.SUSPENSION_APPROVAL: _spec(
        Layout.APPROVAL,
        "中止",
        "case_title reason authority",
        f"{_APPROVAL_OPTIONAL} summary period",
    ),
    DocumentType.CLOSURE_APPROVAL: _spec(
        Layout.APPROVAL, "结", "case_title summary outcome authority", _APPROVAL_OPTIONAL
    ),
    DocumentType.INTERVIEW_RECORD: _spec(
        Layout.RECORD, "询录", f"{_RECORD_REQUIRED} qa", "number case_title ended_at disclosure"
    ),
    DocumentType.INSPECTION_RECORD: _spec(
        Layout.RECORD,
        "检录",
        f"{_RECORD_REQUIRED} findings",
        "number case_title ended_at disclosure present",
    ),
    DocumentType.SERVICE_RECEIPT: _spec(
        Layout.RECEIPT,
        "送",
        "document_title addressee authority",
        "number document_number address method servers served_at note",
    ),
}

_TYPED: dict[Layout, type] = {
    Layout.NOTICE: NoticeContext,
    Layout.APPROVAL: ApprovalContext,
    Layout.RECORD: RecordContext,
    Layout.RECEIPT: ServiceReceiptContext,
}


def validate(doc_type: DocumentType, context: Mapping[str, Any]) -> DocSpec:
    """The type's spec; ``ValueError`` naming missing required keys or unknown keys."""
    spec = SPECS[DocumentType(doc_type)]
    unknown = sorted(set(context) - spec.keys)
    missing = sorted(k for k in spec.required if context.get(k) in (None, "", [], ()))
    if unknown or missing:
        raise ValueError(
            f"{doc_type}: missing keys {missing}, unknown keys {unknown} "
            f"(reads {sorted(spec.keys)})"
        )
    if spec.layout is Layout.RECORD and len(context["inspectors"]) < 2:
        raise ValueError(f"{doc_type}: two inspectors at least (行政处罚法 Art. 42)")
    return spec


# --- text helpers --------------------------------------------------------------------------------

_DROP_CATEGORIES = {"Cc", "Cf", "Co", "Cs", "Cn"}


def clean(value: Any) -> str:
    """User text as plain printable text: control, format (bidi, zero-width), private-use and
    unassigned characters removed; tabs become spaces; newlines kept."""
    text = "" if value is None else str(value)
    out = []
    for ch in text.replace("\r\n", "\n").replace("\t", " "):
        if ch == "\n" or unicodedata.category(ch) not in _DROP_CATEGORIES:
            out.append(ch)
    return "".join(out)


def cn_date(value: datetime.date | None) -> str:
    """2026年10月13日 (GB/T 9704-2012 writes the date in Arabic numerals)."""
    if value is None:
        return "      年    月    日"
    return f"{value.year}年{value.month}月{value.day}日"


def cn_datetime(value: datetime.datetime | None) -> str:
    """2026年10月16日9时30分, in local time (an aware value is converted to ``TIME_ZONE``)."""
    if value is None:
        return "      年    月    日    时    分"
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{cn_date(value)}{value.hour}时{value.minute:02d}分"


_DIGITS = "零一二三四五六七八九"


def cn_ordinal(n: int) -> str:
    """一、二、… 九十九 (numbered items in Chinese documents)."""
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return f"{'' if tens == 1 else _DIGITS[tens]}十{'' if ones == 0 else _DIGITS[ones]}"

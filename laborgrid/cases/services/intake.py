"""Intake (issue 6 §1–2): public complaints and reports, and staff registration.

Screening (若干规定 Art. 18; 条例 Art. 20–21; DOMAIN A4): the 2-year limitation; a labour
dispute is recorded and referred to arbitration instead of being accepted. Abuse limits: text and
file sizes, file types by content, rate limits per IP and per phone (Django cache), an idempotent
submission key (a retried submission returns the same case), an unguessable tracking code.
"""

from __future__ import annotations

import hashlib
import unicodedata
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from laborgrid.accounts.roles import Cap
from laborgrid.cases import clock
from laborgrid.cases.choices import (
    Action,
    CaseKind,
    Category,
    Channel,
    DeadlineKind,
    Gender,
    RecordKind,
    RedirectKind,
)
from laborgrid.cases.models import Case, CaseRecord, Complainant
from laborgrid.cases.services import deadlines
from laborgrid.cases.services.common import transition
from laborgrid.cases.services.limits import (
    MAX_FACTS,
    MAX_REPRESENTATIVES,
    MAX_SHORT,
    PHONE_CONTEXT,
    TRACKING_ALPHABET,
    TRACKING_LENGTH,
    Throttled,
    check_file,
    max_files,
    new_tracking_code,
    normalise_tracking_code,
    throttle_ip,
    throttle_phone,
)
from laborgrid.cases.services.public import public_status
from laborgrid.cases.services.routing import intake_root, match_employer, on_registered, route
from laborgrid.core import pii
from laborgrid.core.scope import get_scope
from laborgrid.lib import identifiers as ids

if TYPE_CHECKING:
    from laborgrid.accounts.models import User

ID_CONTEXT = "complainant.id_number"


#: Limitation period (条例 Art. 20; B1.8): 2 years, from the end if the violation continues.
LIMITATION_YEARS = 2


@dataclass
class Submitted:
    case: Case
    created: bool


# --- cleaning ----------------------------------------------------------------------------------


def _text(
    data: Mapping[str, Any],
    key: str,
    errors: dict[str, list[str]],
    *,
    limit: int = MAX_SHORT,
    required: bool = False,
) -> str:
    raw = data.get(key)
    text = "" if raw is None else str(raw)
    text = text.replace("\x00", "").strip()
    if len(text) > limit:
        errors.setdefault(key, []).append(
            _("内容过长：最多 %(n)d 个字符（现有 %(m)d 个）。") % {"n": limit, "m": len(text)}
        )
    elif required and not text:
        errors.setdefault(key, []).append(_("此项为必填项。"))
    return text[:limit]


def _date(data: Mapping[str, Any], key: str, errors: dict[str, list[str]]) -> date | None:
    raw = data.get(key)
    if raw in (None, ""):
        return None
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        errors.setdefault(key, []).append(_("日期格式应为 YYYY-MM-DD。"))
        return None


def _decimal(data: Mapping[str, Any], key: str, errors: dict[str, list[str]]) -> Decimal | None:
    raw = data.get(key)
    if raw in (None, ""):
        return None
    try:
        value = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        errors.setdefault(key, []).append(_("请输入金额。"))
        return None
    if not value.is_finite() or value < 0 or value >= Decimal("10000000000"):
        errors.setdefault(key, []).append(_("金额应在 0 到 100 亿元之间。"))
        return None
    return value.quantize(Decimal("0.01"))


def _int(
    data: Mapping[str, Any],
    key: str,
    errors: dict[str, list[str]],
    *,
    low: int,
    high: int,
    default: int | None = None,
) -> int | None:
    raw = data.get(key)
    if raw in (None, ""):
        return default
    try:
        value = int(str(raw))
    except ValueError:
        errors.setdefault(key, []).append(_("请输入整数。"))
        return default
    if not low <= value <= high:
        errors.setdefault(key, []).append(
            _("应在 %(low)d 到 %(high)d 之间。") % {"low": low, "high": high}
        )
        return default
    return value


def _float(data: Mapping[str, Any], key: str) -> float | None:
    try:
        value = float(str(data.get(key)))
    except (TypeError, ValueError):
        return None
    return value if -180 <= value <= 180 else None


def limitation_expired(
    start: date | None, end: date | None, continuing: bool, received: date
) -> bool:
    """Was the violation over more than 2 years before receipt (条例 Art. 20)?"""
    if continuing:
        return False
    last = end or start
    if last is None:
        return False
    try:
        cutoff = received.replace(year=received.year - LIMITATION_YEARS)
    except ValueError:  # 29 February
        cutoff = received.replace(year=received.year - LIMITATION_YEARS, day=28)
    return last < cutoff


def _complainants(
    rows: Sequence[Mapping[str, Any]], kind: str, errors: dict[str, list[str]]
) -> list[Complainant]:
    people: list[Complainant] = []
    if len(rows) > MAX_REPRESENTATIVES:
        errors.setdefault("complainants", []).append(
            _("集体投诉最多推选 %(n)d 名代表。") % {"n": MAX_REPRESENTATIVES}
        )
        return people
    for i, row in enumerate(rows):
        prefix = "" if i == 0 else f"complainants.{i}."
        sub: dict[str, list[str]] = {}
        name = _text(row, "name", sub, limit=60, required=True)
        person = Complainant(
            name=" ".join(unicodedata.normalize("NFKC", name).split()),
            address=_text(row, "address", sub),
            is_representative=len(rows) > 1,
            workers_represented=_int(row, "workers_represented", sub, low=1, high=100000, default=1)
            or 1,
        )
        gender = str(row.get("gender") or "")
        if gender and gender not in Gender.values:
            sub.setdefault("gender", []).append(_("请选择性别。"))
        person.gender = gender if gender in Gender.values else ""
        id_number = str(row.get("id_number") or "").strip()
        if id_number:
            try:
                number = ids.validate_ric(id_number)
            except ids.InvalidIdentifier as exc:
                sub.setdefault("id_number", []).append(exc.message)
            else:
                person.id_enc = pii.seal(number, context=ID_CONTEXT)
                person.id_index = pii.blind(number, context=ID_CONTEXT)
                person.id_masked = ids.mask_ric(number)
                if not person.gender:
                    person.gender = ids.ric_gender(number)
        elif kind == CaseKind.COMPLAINT:
            sub.setdefault("id_number", []).append(_("投诉须实名，请填写身份证号码。"))
        phone = str(row.get("phone") or "").strip()
        if phone:
            try:
                clean = ids.validate_phone(phone)
            except ids.InvalidIdentifier as exc:
                sub.setdefault("phone", []).append(exc.message)
            else:
                person.phone_enc = pii.seal(clean, context=PHONE_CONTEXT)
                person.phone_index = pii.blind(clean, context=PHONE_CONTEXT)
                person.phone_masked = ids.mask_phone(clean)
                person._plain_phone = clean  # type: ignore[attr-defined]  # for the phone limit only
        elif kind == CaseKind.COMPLAINT:
            sub.setdefault("phone", []).append(_("请填写联系电话。"))
        for k, msgs in sub.items():
            errors.setdefault(prefix + k, []).extend(msgs)
        people.append(person)
    if kind == CaseKind.COMPLAINT and not people:
        errors.setdefault("name", []).append(_("投诉须实名，请填写投诉人信息。"))
    return people


def _build(
    data: Mapping[str, Any], *, received_on: date, public: bool
) -> tuple[Case, list[Complainant], dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    kind = str(data.get("kind") or CaseKind.COMPLAINT)
    if kind not in CaseKind.values or (
        public and kind not in (CaseKind.COMPLAINT, CaseKind.REPORT)
    ):
        errors.setdefault("kind", []).append(_("请选择投诉或举报。"))
        kind = CaseKind.COMPLAINT
    channel = Channel.WEB if public else str(data.get("channel") or "")
    if channel not in Channel.values:
        errors.setdefault("channel", []).append(_("请选择来源渠道。"))
        channel = Channel.WALK_IN
    category = str(data.get("category") or "")
    if category not in Category.values:
        errors.setdefault("category", []).append(_("请选择违法事项。"))
        category = Category.OTHER
    case = Case(
        kind=kind,
        channel=channel,
        platform_ref=_text(data, "platform_ref", errors, limit=64),
        employer_name=_text(data, "employer_name", errors, required=True),
        employer_code=_text(data, "employer_code", errors, limit=32),
        employer_address=_text(data, "employer_address", errors),
        employer_contact=_text(data, "employer_contact", errors, limit=60),
        work_address=_text(data, "work_address", errors),
        work_lat=_float(data, "work_lat"),
        work_lng=_float(data, "work_lng"),
        category=category,
        facts=_text(data, "facts", errors, limit=MAX_FACTS, required=True),
        request=_text(data, "request", errors, limit=2000),
        amount_owed=_decimal(data, "amount_owed", errors),
        months_owed=_int(data, "months_owed", errors, low=0, high=600),
        workers_affected=_int(data, "workers_affected", errors, low=1, high=100000, default=1) or 1,
        violation_start=_date(data, "violation_start", errors),
        violation_end=_date(data, "violation_end", errors),
        is_continuing=str(data.get("is_continuing") or "").lower() in {"1", "true", "on", "yes"},
        received_on=received_on,
    )
    if channel == Channel.PLATFORM and not case.platform_ref:
        errors.setdefault("platform_ref", []).append(_("请填写平台线索编号。"))
    if case.violation_start and case.violation_start > received_on:
        errors.setdefault("violation_start", []).append(_("开始日期不能晚于收到日期。"))
    if case.violation_start and case.violation_end and case.violation_end < case.violation_start:
        errors.setdefault("violation_end", []).append(_("结束日期不能早于开始日期。"))
    rows = data.get("complainants") or []
    if not isinstance(rows, list | tuple):
        rows = []
    people = _complainants(rows, kind, errors)
    case.anonymous = kind == CaseKind.REPORT and not people
    if kind == CaseKind.COMPLAINT:
        case.workers_affected = max(
            case.workers_affected, sum(p.workers_represented for p in people)
        )
    return case, people, errors


# --- registration ------------------------------------------------------------------------------


def _store_attachments(
    case: Case, files: Sequence[UploadedFile], actor: User | None, public: bool
) -> None:
    for upload in files:
        ctype, ext = check_file(upload)
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        rec = CaseRecord(
            case=case,
            kind=RecordKind.EVIDENCE,
            title=_("投诉人提交的材料") if public else _("登记时收到的材料"),
            file_name=(upload.name or f"attachment{ext}")[:200],
            file_type=ctype,
            file_sha256=digest.hexdigest(),
            from_public=public,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        rec.file.save(f"a{ext}", upload, save=False)
        rec.save()


def _register(
    *,
    actor: User | None,
    data: Mapping[str, Any],
    files: Sequence[UploadedFile],
    received_on: date,
    public: bool,
    submission_key: uuid.UUID | None,
    confirm_limitation: bool,
    request: Any,
) -> Case:
    case, people, errors = _build(data, received_on=received_on, public=public)
    if len(files) > max_files():
        errors.setdefault("attachments", []).append(
            _("最多上传 %(n)d 个附件。") % {"n": max_files()}
        )
    for upload in files[: max_files()]:
        try:
            check_file(upload)
        except ValidationError as exc:
            errors.setdefault("attachments", []).extend(exc.messages)
    expired = limitation_expired(
        case.violation_start, case.violation_end, case.is_continuing, received_on
    )
    if expired and not confirm_limitation:
        errors.setdefault("violation_end", []).append(
            _(
                "违法行为已结束超过两年，依照《劳动保障监察条例》第二十条不再查处。"
                "如属劳动争议，请向劳动人事争议仲裁委员会申请仲裁。"
            )
        )
    if errors:
        raise ValidationError(errors)
    if public:
        for p in people:
            phone = getattr(p, "_plain_phone", "")
            if phone:
                throttle_phone(phone)
    root = intake_root()
    if not public:
        # Staff register within their own county: the grid above their scope decides the root.
        pass
    case.employer = match_employer(root, code=case.employer_code, name=case.employer_name)
    r = route(
        root=root,
        employer=case.employer,
        lat=case.work_lat,
        lng=case.work_lng,
        work_address=case.work_address,
        employer_address=case.employer_address,
    )
    case.grid, case.grid_path = r.grid, r.grid.path
    case.route_method, case.route_note = r.method, r.note
    case.registered_by = actor if getattr(actor, "is_authenticated", False) else None
    case.submission_key = submission_key
    if public or case.kind in (CaseKind.COMPLAINT, CaseKind.REPORT):
        case.tracking_code = new_tracking_code()
    case.save()
    for p in people:
        p.case = case
        p.save()
    _store_attachments(case, files, actor, public)
    transition(
        case,
        Action.REGISTER,
        actor=case.registered_by,
        detail={"channel": case.channel, "route": case.route_method},
        request=request,
    )
    if case.kind == CaseKind.COMPLAINT:
        deadlines.open_deadline(case, DeadlineKind.ACCEPTANCE, received_on)
    on_registered(case)
    dispute = str(data.get("is_dispute") or "").lower() in {"1", "true", "on", "yes"}
    if dispute:
        # A labour dispute goes to arbitration (条例 Art. 21): recorded and referred at intake.
        case.redirect_kind = RedirectKind.ARBITRATION
        deadlines.meet(case, DeadlineKind.ACCEPTANCE, received_on)
        transition(
            case,
            Action.REDIRECT,
            actor=actor,
            reason=_("登记时自述属于劳动争议，已告知向劳动人事争议仲裁委员会申请仲裁。"),
            request=request,
        )
    return case


def submit_public(
    *,
    data: Mapping[str, Any],
    files: Sequence[UploadedFile] = (),
    submission_key: str | uuid.UUID | None,
    ip: str | None,
    request: Any = None,
) -> Submitted:
    """A complaint or report from the public page or ``POST /api/v1/public/complaints``.

    The same key returns the same case (a retried submission is not a second case, and does not
    count against the rate limits).
    """
    key: uuid.UUID | None = None
    if submission_key:
        try:
            key = uuid.UUID(str(submission_key))
        except ValueError:
            raise ValidationError(
                {"submission_key": _("提交编号无效，请刷新页面后重试。")}
            ) from None
        existing = Case.objects.filter(submission_key=key).first()
        if existing is not None:
            return Submitted(existing, False)
    throttle_ip(ip)
    try:
        with transaction.atomic():
            case = _register(
                actor=None,
                data=data,
                files=files,
                received_on=clock.today(),
                public=True,
                submission_key=key,
                confirm_limitation=False,
                request=request,
            )
    except IntegrityError:
        existing = Case.objects.filter(submission_key=key).first() if key else None
        if existing is None:
            raise
        return Submitted(existing, False)
    return Submitted(case, True)


@transaction.atomic
def register_complaint(
    *,
    actor: User,
    data: Mapping[str, Any],
    files: Sequence[UploadedFile] = (),
    received_on: date | None = None,
    confirm_limitation: bool = False,
    request: Any = None,
) -> Case:
    """Staff intake: 12333 phone, walk-in, letter, referral platform (issue §2). Anyone with
    ``work.write`` somewhere registers (assistants too); routing decides the queue."""
    if not get_scope(actor).has(Cap.WORK_WRITE):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    today = clock.today()
    received_on = received_on or today
    if received_on > today or received_on < today - timedelta(days=366):
        raise ValidationError({"received_on": _("收到日期应在一年内且不晚于今天。")})
    return _register(
        actor=actor,
        data=data,
        files=files,
        received_on=received_on,
        public=False,
        submission_key=None,
        confirm_limitation=confirm_limitation,
        request=request,
    )


__all__ = [
    "ID_CONTEXT",
    "MAX_FACTS",
    "MAX_REPRESENTATIVES",
    "PHONE_CONTEXT",
    "TRACKING_ALPHABET",
    "TRACKING_LENGTH",
    "Submitted",
    "Throttled",
    "check_file",
    "limitation_expired",
    "normalise_tracking_code",
    "public_status",
    "register_complaint",
    "submit_public",
    "throttle_ip",
]

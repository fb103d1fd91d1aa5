"""Every write of the written review (ARCHITECTURE §3 rule 1): keyword-only ``actor``, atomic,
audited. The rules:

* **the year** — the county brigade (监察员 on the county grid) opens it: window, form version,
  exclusions (employer types, a headcount floor); the target list is the county's active
  employers at that moment; a target may be taken off the list later with a reason;
* **the filing** — the employer (its portal account) or staff of its grid from paper; the form is
  the collection standard's labour-use facts (DOMAIN A3) checked by the registry's own rules
  (``employers.services.validate_snapshot``: contracts ≤ headcount, approvals for special hours
  …); a wage under the local minimum (``minimum_wage_for``) is accepted but flagged — the review
  exists to find it; at least one attachment; editable and resubmittable until decided; every
  submit freezes a version; a first submit after the window closes is late;
* **the decision** — the squadron (中队长, 专职工作人员, or the county brigade) passes, returns
  for correction (reasons required) or fails (reasons required) the current version; a pass or a
  fail records the reported facts as the employer's labour-use snapshot (method written review);
* **samples** — chosen filings are put in the month's patrol plan of the employer's township
  (``inspections.services.add_plan_targets``): the on-site visit is recorded there, and its
  findings become a rectification order issued from the visit
  (``inspections.services.issue_visit_order``); the filing reaches both through its sample's
  place in the plan (``selectors.sample_visit``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import zipfile
from collections.abc import Iterable, Mapping
from decimal import Decimal
from io import BytesIO
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from laborgrid.accounts.roles import Cap, Role
from laborgrid.audit.services import record
from laborgrid.collection.permissions import holds
from laborgrid.collection.photos import sniff_image
from laborgrid.core.paths import path_codes
from laborgrid.core.scope import check_write, get_scope
from laborgrid.employers.choices import CollectionMethod
from laborgrid.employers.models import Employer, LabourSnapshot
from laborgrid.grids.choices import GridLevel
from laborgrid.grids.models import Grid
from laborgrid.inspections.cycle import employers_under
from laborgrid.reviews.audit_actions import ReviewAudit
from laborgrid.reviews.choices import (
    EDITABLE,
    FILED,
    AttachmentKind,
    Channel,
    ReviewAction,
    SubmissionState,
    YearStatus,
)
from laborgrid.reviews.models import (
    ReviewAttachment,
    ReviewStep,
    ReviewSubmission,
    ReviewTarget,
    ReviewYear,
    SubmissionVersion,
)

if TYPE_CHECKING:
    from laborgrid.accounts.models import User

#: Who decides on filings, samples them, enters paper filings and sends reminders.
REVIEW_ROLES = (Role.COUNTY_INSPECTOR, Role.SQUADRON_LEADER, Role.GRID_OFFICER)
#: Who opens a year (on the county grid).
COUNTY_ROLES = (Role.COUNTY_INSPECTOR,)

MAX_ATTACHMENTS = 20
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: The form: the collection standard's facts an annual filing reports (DOMAIN A3, B8).
FORM_FIELDS = (
    "employees",
    "contracts_signed",
    "migrant_workers",
    "women",
    "juveniles",
    "dispatched",
    "roster_kept",
    "insured_pension",
    "insured_medical",
    "insured_unemployment",
    "insured_injury",
    "insured_maternity",
    "pay_day",
    "pay_method",
    "lowest_monthly_wage",
    "hours_system",
    "hours_approval_no",
    "rules_filed",
    "arrears",
    "arrears_amount",
    "arrears_workers",
    "arrears_months",
)
REQUIRED_FIELDS = ("employees", "contracts_signed", "lowest_monthly_wage", "hours_system")
#: Materials the form asks for (a missing one is shown, and is a reason to return).
EXPECTED_KINDS = (
    AttachmentKind.ROSTER,
    AttachmentKind.PAYROLL,
    AttachmentKind.INSURANCE,
    AttachmentKind.CONTRACTS,
)


# --- who may ----------------------------------------------------------------------------------


def may_review(user: Any, grid_path: str) -> bool:
    return get_scope(user).allows(Cap.WORK_WRITE, grid_path) and holds(
        user, REVIEW_ROLES, grid_path
    )


def may_open_year(user: Any, grid: Grid) -> bool:
    return grid.level == GridLevel.COUNTY and holds(user, COUNTY_ROLES, grid.path)


def _require_reviewer(actor: Any, grid_path: str) -> None:
    check_write(actor, Cap.WORK_WRITE, grid_path)
    if not holds(actor, REVIEW_ROLES, grid_path):
        raise PermissionDenied(_("协管员不能作出书面审查决定。"))


def _may_file(actor: Any, target: ReviewTarget) -> bool:
    """The employer's own account, or staff of its grid entering a paper filing."""
    if getattr(actor, "employer_id", None) is not None:
        return bool(actor.employer_id == target.employer_id)
    return may_review(actor, target.grid_path)


def channel_of(actor: Any) -> str:
    return Channel.ONLINE if getattr(actor, "employer_id", None) else Channel.PAPER


# --- the year ---------------------------------------------------------------------------------


@transaction.atomic
def open_year(
    *,
    actor: User,
    grid: Grid,
    year: int,
    opens_on: dt.date,
    closes_on: dt.date,
    form_version: str,
    excluded_types: Iterable[str] = (),
    min_employees: int = 0,
    note: str = "",
    request: Any = None,
) -> ReviewYear:
    """发布年度书面审查 for a county and build its target list."""
    from laborgrid.employers.choices import EmployerType

    if not may_open_year(actor, grid):
        raise PermissionDenied(_("年度书面审查由县级监察大队发布。"))
    check_write(actor, Cap.WORK_WRITE, grid.path)
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if not 2000 <= int(year) <= today.year + 1:
        errors["year"] = [_("审查年度不合理。")]
    if closes_on < opens_on:
        errors["closes_on"] = [_("截止日期不能早于开始日期。")]
    if not str(form_version or "").strip():
        errors["form_version"] = [_("请填写申报表版本。")]
    types = sorted({str(t) for t in excluded_types})
    if any(t not in EmployerType.values for t in types):
        errors["excluded_types"] = [_("单位类型无效。")]
    if min_employees is None or int(min_employees) < 0:
        errors["min_employees"] = [_("人数不能为负数。")]
    if ReviewYear.objects.filter(grid=grid, year=year).exists():
        errors["year"] = [_("该年度的书面审查已发布。")]
    if errors:
        raise ValidationError(errors)
    review_year = ReviewYear.objects.create(
        grid=grid,
        grid_path=grid.path,
        year=int(year),
        opens_on=opens_on,
        closes_on=closes_on,
        form_version=str(form_version).strip()[:40],
        excluded_types=types,
        min_employees=int(min_employees),
        note=str(note or "").strip()[:500],
        opened_by=actor,
    )
    employers = employers_under(grid.path).exclude(employer_type__in=types)
    if min_employees:
        employers = employers.filter(employees__gte=int(min_employees))
    rows = [
        ReviewTarget(review_year=review_year, employer_id=pk, grid_id=gid, grid_path=path)
        for pk, gid, path in employers.values_list("pk", "grid_id", "grid_path").iterator()
    ]
    ReviewTarget.objects.bulk_create(rows, batch_size=2000)
    record(
        ReviewAudit.YEAR_OPENED,
        actor=actor,
        request=request,
        obj=review_year,
        detail={"year": review_year.year, "count": len(rows)},
    )
    return review_year


@transaction.atomic
def close_year(*, actor: User, review_year: ReviewYear, request: Any = None) -> ReviewYear:
    if not may_open_year(actor, review_year.grid):
        raise PermissionDenied
    if review_year.status == YearStatus.CLOSED:
        raise ValidationError(_("该年度已结束。"))
    review_year.status = YearStatus.CLOSED
    review_year.save(update_fields=["status"])
    record(ReviewAudit.YEAR_CLOSED, actor=actor, request=request, obj=review_year)
    return review_year


def _step(
    submission: ReviewSubmission,
    action: str,
    *,
    actor: User,
    note: str = "",
    request: Any = None,
) -> None:
    ReviewStep.objects.create(
        submission=submission,
        action=action,
        version=submission.current_version,
        actor=actor,
        note=note,
    )
    record(
        ReviewAudit.STEP,
        actor=actor,
        request=request,
        obj=submission,
        detail={"action": action, "state": submission.state, "v": submission.current_version},
    )


@transaction.atomic
def exclude_target(
    *, actor: User, target: ReviewTarget, reason: str, request: Any = None
) -> ReviewTarget:
    """Take an employer off the year's list (closed down, moved away, exempt) with a reason."""
    _require_reviewer(actor, target.grid_path)
    reason = str(reason or "").strip()
    if len(reason) < 2:
        raise ValidationError({"reason": [_("请填写理由。")]})
    sub = ReviewSubmission.objects.filter(target=target).first()
    if sub is not None and sub.state in FILED:
        raise ValidationError(_("该单位已申报，不能移出名单。"))
    target.excluded_reason = reason[:200]
    target.save(update_fields=["excluded_reason"])
    record(ReviewAudit.STEP, actor=actor, request=request, obj=target, detail={"action": "exclude"})
    return target


def remind_non_filers(*, actor: User, review_year: ReviewYear, request: Any = None) -> int:
    """催报: an in-app notice to every active account of each listed employer in the actor's
    grids that has not filed; answers how many employers were reminded."""
    from laborgrid.accounts.models import User as UserModel
    from laborgrid.notifications.services import notify

    if not any(may_review(actor, p) for p in get_scope(actor).paths(Cap.WORK_WRITE)):
        raise PermissionDenied
    if review_year.status != YearStatus.OPEN:
        raise ValidationError(_("该年度已结束。"))
    qs = non_filers(ReviewTarget.objects.visible_to(actor, Cap.WORK_WRITE), review_year)
    targets = [
        t for t in qs.only("id", "employer_id", "grid_path") if may_review(actor, t.grid_path)
    ]
    if not targets:
        return 0
    employer_ids = [t.employer_id for t in targets]
    users = UserModel.objects.filter(employer_id__in=employer_ids, is_active=True)
    with transaction.atomic():
        notify(
            users,
            title=_("请按时报送%(y)s年度书面审查材料") % {"y": review_year.year},
            body=_("申报截止日期：%(d)s。") % {"d": review_year.closes_on.isoformat()},
            url=f"/portal/reviews/{review_year.year}/",
            once=True,
        )
        ReviewTarget.objects.filter(pk__in=[t.pk for t in targets]).update(
            reminded_at=timezone.now()
        )
        record(
            ReviewAudit.STEP,
            actor=actor,
            request=request,
            obj=review_year,
            detail={"action": "remind", "count": len(targets)},
        )
    return len(targets)


def non_filers(qs: Any, review_year: ReviewYear) -> Any:
    """Listed targets (not excluded) with no filed submission."""
    return qs.filter(review_year=review_year, excluded_reason="").exclude(
        submission__state__in=FILED
    )


# --- the form ---------------------------------------------------------------------------------


def facts_date(review_year: ReviewYear) -> dt.date:
    """The date the reported facts stand for: 31 December of the year, or today if earlier."""
    return min(dt.date(review_year.year, 12, 31), timezone.localdate())


def clean_form(
    data: Mapping[str, Any], *, employer: Employer, review_year: ReviewYear, final: bool
) -> dict[str, Any]:
    """The form's values as the registry checks them (``validate_snapshot``), JSON-ready.
    ``final``: submitting (required fields, every rule); otherwise a draft (types only)."""
    from laborgrid.employers.services import coerce_into, validate_snapshot

    values = {k: data.get(k) for k in FORM_FIELDS if data.get(k) not in (None, "")}
    snap = LabourSnapshot(employer=employer, method=CollectionMethod.WRITTEN_REVIEW)
    errors: dict[str, list[str]] = {}
    try:
        coerce_into(
            snap,
            {**values, "collected_on": facts_date(review_year)},
            ("collected_on", *FORM_FIELDS),
        )
    except ValidationError as exc:
        errors = dict(exc.message_dict)
    if final:
        for f in REQUIRED_FIELDS:
            if f not in values and f not in errors:
                errors[f] = [_("请填写此项。")]
        if snap.arrears is None:
            snap.arrears = False
        if snap.is_construction is None:
            snap.is_construction = False
        if not errors:
            try:
                validate_snapshot(snap)
            except ValidationError as exc:
                for k, msgs in exc.message_dict.items():
                    errors.setdefault(k, []).extend(msgs)
    if errors:
        raise ValidationError(errors)
    out: dict[str, Any] = {}
    for f in FORM_FIELDS:
        if f not in values:
            continue
        v = getattr(snap, f)
        out[f] = str(v) if isinstance(v, Decimal) else v
    return out


def form_flags(data: Mapping[str, Any], employer: Employer, review_year: ReviewYear) -> list[str]:
    """What a reviewer should look at in the reported facts (shown to both sides)."""
    from laborgrid.employers.services import minimum_wage_for

    flags: list[str] = []
    employees = data.get("employees") or 0
    wage = data.get("lowest_monthly_wage")
    mw = minimum_wage_for(employer.grid_path, facts_date(review_year))
    if wage not in (None, "") and mw is not None and Decimal(str(wage)) < mw.monthly:
        flags.append(
            _("最低月工资 %(w)s 元低于当地最低工资标准 %(m)s 元（%(t)s）。")
            % {"w": wage, "m": mw.monthly, "t": mw.tier}
        )
    contracts = data.get("contracts_signed")
    if contracts is not None and employees and contracts < employees:
        flags.append(_("%(n)s 人未签订书面劳动合同。") % {"n": employees - contracts})
    for f, label in (("insured_pension", _("养老保险")), ("insured_injury", _("工伤保险"))):
        n = data.get(f)
        if n is not None and employees and n < employees:
            flags.append(_("%(n)s 人未参加%(k)s。") % {"n": employees - n, "k": label})
    if data.get("juveniles"):
        flags.append(_("使用未成年工 %(n)s 人，须核查登记和禁忌劳动。") % {"n": data["juveniles"]})
    if data.get("arrears"):
        flags.append(_("申报存在拖欠工资 %(a)s 元。") % {"a": data.get("arrears_amount") or "—"})
    return flags


def missing_kinds(submission: ReviewSubmission | None) -> list[Any]:
    have = set(submission.attachments.values_list("kind", flat=True)) if submission else set()
    return [AttachmentKind(k).label for k in EXPECTED_KINDS if k not in have]


def _window_open(review_year: ReviewYear) -> None:
    if review_year.status != YearStatus.OPEN:
        raise ValidationError(_("%(y)s年度书面审查已结束。") % {"y": review_year.year})
    if timezone.localdate() < review_year.opens_on:
        raise ValidationError(_("申报自 %(d)s 开始。") % {"d": review_year.opens_on.isoformat()})


def _editable(actor: Any, target: ReviewTarget) -> ReviewSubmission:
    if not _may_file(actor, target):
        raise PermissionDenied
    if target.excluded_reason:
        raise ValidationError(_("该单位不在本年度申报名单内。"))
    _window_open(target.review_year)
    sub = ReviewSubmission.objects.select_for_update().filter(target=target).first()
    if sub is None:
        sub = ReviewSubmission.objects.create(
            target=target, employer_id=target.employer_id, grid_path=target.grid_path
        )
    if sub.state not in EDITABLE:
        raise ValidationError(
            _("申报当前状态为“%(s)s”，不能修改。") % {"s": SubmissionState(sub.state).label}
        )
    return sub


@transaction.atomic
def save_draft(
    *,
    actor: User,
    target: ReviewTarget,
    data: Mapping[str, Any],
    expected_version: int | None = None,
    request: Any = None,
) -> ReviewSubmission:
    """Keep what was typed (types checked; the full rules at submit)."""
    sub = _editable(actor, target)
    if expected_version is not None and expected_version != sub.version:
        raise ValidationError(_("申报内容已被他人修改，请刷新后再保存。"))
    cleaned = clean_form(
        data, employer=target.employer, review_year=target.review_year, final=False
    )
    sub.draft = cleaned
    sub.version += 1
    sub.save(update_fields=["draft", "version", "updated_at"])
    record(ReviewAudit.DRAFT_SAVED, actor=actor, request=request, obj=sub)
    return sub


def sniff_attachment(content: bytes) -> tuple[str, str] | None:
    """(content type, extension) by the bytes: PDF, XLSX (a zip holding ``xl/workbook.xml``),
    JPEG or PNG. The client's name and type are not trusted."""
    if content[:5] == b"%PDF-":
        return "application/pdf", ".pdf"
    if content[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(BytesIO(content)) as zf:
                names = set(zf.namelist())
        except zipfile.BadZipFile:
            return None
        if "xl/workbook.xml" in names and "[Content_Types].xml" in names:
            return XLSX, ".xlsx"
        return None
    image = sniff_image(content)
    if image in ("image/jpeg", "image/png"):
        return image, ".jpg" if image == "image/jpeg" else ".png"
    return None


@transaction.atomic
def add_attachment(
    *,
    actor: User,
    target: ReviewTarget,
    kind: str,
    name: str,
    content: bytes,
    request: Any = None,
) -> ReviewAttachment:
    sub = _editable(actor, target)
    if kind not in AttachmentKind.values:
        raise ValidationError({"kind": [_("请选择材料类别。")]})
    if len(content) > MAX_ATTACHMENT_BYTES:
        raise ValidationError({"file": [_("文件不能超过 10 MB。")]})
    if not content:
        raise ValidationError({"file": [_("请选择文件。")]})
    sniffed = sniff_attachment(content)
    if sniffed is None:
        raise ValidationError({"file": [_("只接受 PDF、Excel（xlsx）、JPEG 或 PNG 文件。")]})
    if sub.attachments.count() >= MAX_ATTACHMENTS:
        raise ValidationError({"file": [_("材料最多 %(n)s 个。") % {"n": MAX_ATTACHMENTS}]})
    ctype, ext = sniffed
    clean_name = (str(name or "").replace("/", "_").replace("\\", "_").strip() or f"file{ext}")[
        :200
    ]
    row = ReviewAttachment(
        submission=sub,
        kind=kind,
        name=clean_name,
        content_type=ctype,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=actor,
    )
    row.file.save(f"a{ext}", ContentFile(content), save=False)
    row.save()
    record(
        ReviewAudit.ATTACHMENT_ADDED,
        actor=actor,
        request=request,
        obj=sub,
        detail={"kind": kind, "size": len(content)},
    )
    return row


@transaction.atomic
def remove_attachment(*, actor: User, attachment: ReviewAttachment, request: Any = None) -> None:
    sub = _editable(actor, attachment.submission.target)
    if attachment.version_id is not None:
        raise ValidationError(_("已提交的材料不能删除（每一版申报都保留）。"))
    attachment.file.delete(save=False)
    attachment.delete()
    record(ReviewAudit.ATTACHMENT_REMOVED, actor=actor, request=request, obj=sub)


@transaction.atomic
def submit(*, actor: User, target: ReviewTarget, request: Any = None) -> ReviewSubmission:
    """提交 (or resubmit after a return): the draft, checked in full, becomes a new version
    with the files added since the last one."""
    sub = _editable(actor, target)
    data = clean_form(
        sub.draft, employer=target.employer, review_year=target.review_year, final=True
    )
    if not sub.attachments.exists():
        raise ValidationError(
            {"file": [_("请至少上传一份申报材料（如职工名册、12月工资发放表）。")]}
        )
    number = sub.current_version + 1
    version = SubmissionVersion.objects.create(
        submission=sub,
        number=number,
        data=data,
        form_version=target.review_year.form_version,
        channel=channel_of(actor),
        submitted_by=actor,
    )
    sub.attachments.filter(version__isnull=True).update(version=version)
    now = timezone.now()
    if sub.first_submitted_at is None:
        sub.first_submitted_at = now
        sub.late = timezone.localdate() > target.review_year.closes_on
    sub.current_version = number
    sub.state = SubmissionState.SUBMITTED
    sub.decided_by, sub.decided_at = None, None
    sub.version += 1
    sub.save()
    _step(sub, ReviewAction.SUBMIT, actor=actor, request=request)
    return sub


# --- the decision ----------------------------------------------------------------------------


@transaction.atomic
def decide(
    *,
    actor: User,
    submission: ReviewSubmission,
    action: str,
    reason: str = "",
    request: Any = None,
) -> ReviewSubmission:
    """Pass, return for correction, or fail the current version (reasons for the last two)."""
    from laborgrid.employers.services import record_snapshot

    sub = ReviewSubmission.objects.select_for_update().get(pk=submission.pk)
    _require_reviewer(actor, sub.grid_path)
    if action not in (ReviewAction.PASS, ReviewAction.RETURN, ReviewAction.FAIL):
        raise ValidationError({"action": [_("请选择审查结论。")]})
    if sub.state != SubmissionState.SUBMITTED:
        raise ValidationError(
            _("申报当前状态为“%(s)s”，不能审查。") % {"s": SubmissionState(sub.state).label}
        )
    reason = str(reason or "").strip()
    if action != ReviewAction.PASS and len(reason) < 2:
        raise ValidationError({"reason": [_("退回或不合格须写明理由。")]})
    if len(reason) > 2000:
        raise ValidationError({"reason": [_("不能超过 2000 个字。")]})
    sub.state = {
        ReviewAction.PASS: SubmissionState.PASSED,
        ReviewAction.RETURN: SubmissionState.RETURNED,
        ReviewAction.FAIL: SubmissionState.FAILED,
    }[ReviewAction(action)]
    sub.decided_by, sub.decided_at, sub.decision_reason = actor, timezone.now(), reason
    if action != ReviewAction.RETURN:
        version = sub.versions.get(number=sub.current_version)
        review_year = sub.target.review_year
        sub.snapshot = record_snapshot(
            actor=actor,
            employer=sub.employer,
            data={
                **version.data,
                "collected_on": facts_date(review_year),
                "note": _("%(y)s年度书面审查（第%(v)s版）")
                % {"y": review_year.year, "v": version.number},
            },
            method=CollectionMethod.WRITTEN_REVIEW,
            source=_("年度书面审查"),
            collector=version.submitted_by,
            collector_name=version.submitted_by.display_name,
        )
    sub.version += 1
    sub.save()
    _step(sub, action, actor=actor, note=reason, request=request)
    if action == ReviewAction.RETURN:
        _notify_employer(sub, _("书面审查材料被退回补正"), reason)
    return sub


def _notify_employer(sub: ReviewSubmission, title: str, body: str) -> None:
    from laborgrid.accounts.models import User as UserModel
    from laborgrid.notifications.services import notify

    notify(
        UserModel.objects.filter(employer_id=sub.employer_id, is_active=True),
        title=title,
        body=body,
        url=f"/portal/reviews/{sub.target.review_year.year}/",
    )


def _township(grid_path: str) -> Grid:
    grids = {g.code: g for g in Grid.objects.filter(code__in=path_codes(grid_path))}
    for code in path_codes(grid_path):
        g = grids.get(code)
        if g is not None and g.level == GridLevel.TOWNSHIP:
            return g
    raise ValidationError(_("该单位不在乡镇（街道）网格内，无法列入巡查计划。"))


@transaction.atomic
def sample(
    *,
    actor: User,
    submission: ReviewSubmission,
    planned_on: dt.date | None = None,
    request: Any = None,
) -> ReviewSubmission:
    """抽查: put the employer in this month's patrol plan of its township (created if the month
    has none) for an on-site check; the visit is recorded in the inspections app."""
    from laborgrid.inspections.models import PatrolPlan, PatrolTarget
    from laborgrid.inspections.services import add_plan_targets, create_plan

    sub = ReviewSubmission.objects.select_for_update().get(pk=submission.pk)
    _require_reviewer(actor, sub.grid_path)
    if sub.state not in FILED:
        raise ValidationError(_("尚未提交的申报不能抽查。"))
    if sub.sample_target_id is not None:
        raise ValidationError(_("该申报已列入实地抽查。"))
    today = timezone.localdate()
    planned_on = planned_on or today
    if planned_on < today:
        raise ValidationError({"planned_on": [_("计划日期不能早于今天。")]})
    township = _township(sub.grid_path)
    month = planned_on.replace(day=1)
    plan = PatrolPlan.objects.filter(grid=township, month=month).first()
    if plan is None:
        plan = create_plan(actor=actor, grid=township, month=month, request=request)
    add_plan_targets(
        actor=actor,
        plan=plan,
        employer_ids=[sub.employer_id],
        planned_on=planned_on,
        request=request,
    )
    target = PatrolTarget.objects.get(plan=plan, employer_id=sub.employer_id)
    sub.sample_target, sub.sampled_at = target, timezone.now()
    sub.version += 1
    sub.save(update_fields=["sample_target", "sampled_at", "version", "updated_at"])
    _step(
        sub,
        ReviewAction.SAMPLE,
        actor=actor,
        note=_("列入%(p)s，计划日期 %(d)s") % {"p": plan.title, "d": planned_on.isoformat()},
        request=request,
    )
    return sub


def order_from_review(
    *, actor: User, submission: ReviewSubmission, items: Any, request: Any = None
) -> Any:
    """Findings in the filed materials become a 责令改正指令书 whose source is this filing (the
    rectifications app's own issue step: certified inspectors only, numbered PDF, deadline).
    What the sample's on-site check finds is ordered from the visit instead
    (``inspections.services.issue_visit_order``: its findings and 笔录 are the order's source and
    evidence); the review page shows that visit and its order."""
    from laborgrid.rectifications.services import issue_order

    if submission.state == SubmissionState.DRAFT:
        raise ValidationError(_("尚未提交的申报不能据以下达指令书。"))
    order = issue_order(
        actor=actor, employer=submission.employer, items=items, source=submission, request=request
    )
    _step(
        submission,
        ReviewAction.ORDER,
        actor=actor,
        note=_("下达责令改正指令书 %(n)s") % {"n": order.number},
        request=request,
    )
    return order

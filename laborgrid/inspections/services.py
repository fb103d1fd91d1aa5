"""Every write of inspections (ARCHITECTURE §3 rule 1): keyword-only ``actor``, atomic, audited.

Patrol plans (issue 16 §1), campaigns (§2), visits (§3). A visit's labour-use facts go to the
employer's registry through ``employers.services.record_snapshot`` (method ``inspection``); its
现场检查笔录 is numbered and rendered by ``laborgrid.documents``.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from laborgrid.accounts.roles import Cap
from laborgrid.audit.services import record
from laborgrid.cases.services.common import is_certified
from laborgrid.collection.photos import sniff_image
from laborgrid.collection.services import distance_m
from laborgrid.core.filecrypt import open_sealed_photo, sealed_photo
from laborgrid.core.paths import path_codes
from laborgrid.core.scope import check_write
from laborgrid.employers.choices import CollectionMethod
from laborgrid.employers.models import Employer
from laborgrid.grids.choices import GridLevel
from laborgrid.grids.models import Grid
from laborgrid.inspections import checklist as checklists
from laborgrid.inspections.audit_actions import InspectionAudit
from laborgrid.inspections.choices import (
    CampaignStatus,
    FindingResult,
    PlanStatus,
    Signature,
    TargetSource,
    VisitOutcome,
    VisitStatus,
)
from laborgrid.inspections.cycle import ACTIVE, employers_under, risk_of
from laborgrid.inspections.models import (
    MAX_PHOTO_BYTES,
    PHOTO_TYPES,
    Campaign,
    CampaignTarget,
    CycleConfig,
    PatrolPlan,
    PatrolTarget,
    Visit,
    VisitFinding,
    VisitPhoto,
)
from laborgrid.inspections.permissions import can_conclude, can_plan, can_set_campaign

if TYPE_CHECKING:
    from laborgrid.accounts.models import User

PHOTO_CONTEXT = "inspections.photo"
MAX_PHOTOS = 20
#: The A3 facts a visit may record (a subset of ``employers.services.SNAPSHOT_FIELDS``).
FACT_FIELDS = (
    "employees",
    "migrant_workers",
    "contracts_signed",
    "roster_kept",
    "insured_pension",
    "lowest_monthly_wage",
    "arrears",
    "arrears_amount",
    "arrears_workers",
    "arrears_months",
)


# --- the visiting cycle -------------------------------------------------------------------------


@transaction.atomic
def save_cycle(
    *, actor: User, grid: Grid, high_risk_months: int, other_months: int, request: Any = None
) -> CycleConfig:
    """The county sets how often employers of a grid are visited (issue 16 §1)."""
    if not can_set_campaign(actor, grid.path):
        raise PermissionDenied
    check_write(actor, Cap.WORK_WRITE, grid.path)
    if not 1 <= high_risk_months <= other_months <= 60:
        raise ValidationError(
            {"other_months": [_("周期须为 1–60 个月，高风险单位的周期不长于其他单位。")]}
        )
    config = CycleConfig.objects.filter(grid=grid).first() or CycleConfig(
        grid=grid, grid_path=grid.path
    )
    config.high_risk_months, config.other_months = high_risk_months, other_months
    config.updated_by = actor
    config.save()
    record(
        InspectionAudit.CYCLE_SAVED,
        actor=actor,
        request=request,
        obj=config,
        detail={"high_risk_months": high_risk_months, "other_months": other_months},
    )
    return config


# --- patrol plans -------------------------------------------------------------------------------


@transaction.atomic
def create_plan(
    *, actor: User, grid: Grid, month: date, title: str = "", note: str = "", request: Any = None
) -> PatrolPlan:
    """A squadron's plan for a month on its grid (one per grid and month)."""
    if not can_plan(actor, grid.path):
        raise PermissionDenied
    check_write(actor, Cap.WORK_WRITE, grid.path)
    month = month.replace(day=1)
    if PatrolPlan.objects.filter(grid=grid, month=month).exists():
        raise ValidationError({"month": [_("该网格本月已有巡查计划。")]})
    title = title.strip() or _("%(grid)s %(y)s年%(m)s月巡视检查计划") % {
        "grid": grid.name,
        "y": month.year,
        "m": month.month,
    }
    plan = PatrolPlan.objects.create(
        grid=grid,
        grid_path=grid.path,
        month=month,
        title=title[:100],
        note=note.strip()[:500],
        created_by=actor,
    )
    record(InspectionAudit.PLAN_CREATED, actor=actor, request=request, obj=plan)
    return plan


@transaction.atomic
def add_plan_targets(
    *,
    actor: User,
    plan: PatrolPlan,
    employer_ids: Iterable[int],
    planned_on: date | None = None,
    request: Any = None,
) -> int:
    """Add employers of the plan's grid (from the proposals or by hand) with their risk factors
    as they stand today; an employer already in the plan is left alone. Returns how many."""
    if not can_plan(actor, plan.grid_path):
        raise PermissionDenied
    check_write(actor, Cap.WORK_WRITE, plan.grid_path)
    if plan.status == PlanStatus.CLOSED:
        raise ValidationError(_("计划已结束。"))
    ids = sorted({int(i) for i in employer_ids})
    if not ids:
        raise ValidationError({"employers": [_("请选择要加入计划的单位。")]})
    if planned_on is not None and (
        planned_on.year != plan.month.year or planned_on.month != plan.month.month
    ):
        raise ValidationError({"planned_on": [_("计划日期须在计划月份内。")]})
    found = {
        e.pk: e
        for e in employers_under(plan.grid_path)
        .filter(pk__in=ids)
        .only("id", "grid_id", "grid_path")
    }
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationError(
            {"employers": [_("有 %(n)s 个单位不在本网格或已不在营。") % {"n": len(missing)}]}
        )
    existing = set(PatrolTarget.objects.filter(plan=plan).values_list("employer_id", flat=True))
    today = timezone.localdate()
    risks = risk_of([i for i in ids if i not in existing], today)
    rows = [
        PatrolTarget(
            plan=plan,
            employer_id=i,
            grid_id=found[i].grid_id,
            grid_path=found[i].grid_path,
            reasons=risks[i][0],
            score=risks[i][1],
            planned_on=planned_on,
            added_by=actor,
        )
        for i in ids
        if i not in existing
    ]
    PatrolTarget.objects.bulk_create(rows)
    if rows:
        record(
            InspectionAudit.PLAN_TARGETS_ADDED,
            actor=actor,
            request=request,
            obj=plan,
            detail={"count": len(rows)},
        )
    return len(rows)


@transaction.atomic
def remove_plan_target(*, actor: User, target: PatrolTarget, request: Any = None) -> None:
    if not can_plan(actor, target.plan.grid_path):
        raise PermissionDenied
    check_write(actor, Cap.WORK_WRITE, target.plan.grid_path)
    if target.visit_id is not None:
        raise ValidationError(_("已检查的对象不能移出计划。"))
    plan = target.plan
    employer_id = target.employer_id
    target.delete()
    record(
        InspectionAudit.PLAN_TARGET_REMOVED,
        actor=actor,
        request=request,
        obj=plan,
        detail={"employer": employer_id},
    )


# --- campaigns ----------------------------------------------------------------------------------

RULE_KEYS = ("industries", "types", "grids", "flags", "min_employees", "max_employees")
FLAG_FIELDS = {
    "arrears": "flag_arrears",
    "no_contracts": "flag_no_contracts",
    "below_min_wage": "flag_below_min_wage",
    "uninsured": "flag_uninsured",
}


def rules_q(rules: Mapping[str, Any]) -> Q:
    """The target rules as a condition on Employer: each rule narrows (AND); within a rule the
    values are alternatives (OR). Grid codes are subtrees."""
    from laborgrid.employers.choices import EmployerType, Industry

    q = Q()
    errors: list[str] = []
    industries = list(rules.get("industries") or [])
    if any(i not in Industry.values for i in industries):
        errors.append(_("行业门类无效。"))
    elif industries:
        q &= Q(industry__in=industries)
    types = list(rules.get("types") or [])
    if any(t not in EmployerType.values for t in types):
        errors.append(_("单位类型无效。"))
    elif types:
        q &= Q(employer_type__in=types)
    codes = list(rules.get("grids") or [])
    if codes:
        paths = list(Grid.objects.filter(code__in=codes).values_list("path", flat=True))
        if len(paths) != len(set(codes)):
            errors.append(_("网格编码无效。"))
        sub = Q(pk__in=[])
        for p in paths:
            sub |= Q(grid_path__under=p)
        q &= sub
    flags = list(rules.get("flags") or [])
    if any(f not in FLAG_FIELDS for f in flags):
        errors.append(_("风险标记无效。"))
    elif flags:
        sub = Q(pk__in=[])
        for f in flags:
            sub |= Q(**{FLAG_FIELDS[f]: True})
        q &= sub
    for key, lookup in (("min_employees", "employees__gte"), ("max_employees", "employees__lte")):
        value = rules.get(key)
        if value not in (None, ""):
            try:
                n = int(str(value))
            except (TypeError, ValueError):
                errors.append(_("职工人数须为整数。"))
                continue
            if n < 0:
                errors.append(_("职工人数须为整数。"))
                continue
            q &= Q(**{lookup: n})
    if errors:
        raise ValidationError({"rules": errors})
    return q


def _squadrons(root: Grid) -> dict[str, Grid]:
    """The township grids at or under ``root`` by code (a target goes to its township's squadron;
    a campaign set on a township keeps it there)."""
    under = Grid.objects.filter(path__under=root.path, level=GridLevel.TOWNSHIP).defer("boundary")
    found = {g.code: g for g in under}
    if not found:
        found = {root.code: root}
    return found


def _squadron_of(grid_path: str, squadrons: dict[str, Grid], root: Grid) -> Grid:
    for code in path_codes(grid_path):
        if code in squadrons:
            return squadrons[code]
    return root


def _add_targets(
    campaign: Campaign, employers: Iterable[Employer], source: str, actor: User
) -> int:
    existing = set(
        CampaignTarget.objects.filter(campaign=campaign).values_list("employer_id", flat=True)
    )
    squadrons = _squadrons(campaign.grid)
    rows = [
        CampaignTarget(
            campaign=campaign,
            employer_id=e.pk,
            grid_id=e.grid_id,
            grid_path=e.grid_path,
            squadron=_squadron_of(e.grid_path, squadrons, campaign.grid),
            source=source,
            added_by=actor,
        )
        for e in employers
        if e.pk not in existing
    ]
    CampaignTarget.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


@transaction.atomic
def create_campaign(
    *,
    actor: User,
    name: str,
    grid: Grid,
    starts_on: date,
    ends_on: date,
    rules: Mapping[str, Any],
    checklist: Sequence[Mapping[str, str]],
    theme: str = "",
    note: str = "",
    request: Any = None,
) -> Campaign:
    """The county sets a campaign: its targets are the employers of the grid the rules select,
    each assigned to its township's squadron (issue 16 §2)."""
    if not can_set_campaign(actor, grid.path):
        raise PermissionDenied
    check_write(actor, Cap.WORK_WRITE, grid.path)
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = [_("请填写专项检查名称。")]
    if ends_on < starts_on:
        errors["ends_on"] = [_("结束日期不能早于开始日期。")]
    if not checklist:
        errors["checklist"] = [_("请至少选择一个检查项目。")]
    clean_rules = {k: rules[k] for k in RULE_KEYS if rules.get(k) not in (None, "", [])}
    try:
        condition = rules_q(clean_rules)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        condition = Q()
    if errors:
        raise ValidationError(errors)
    campaign = Campaign.objects.create(
        name=name.strip()[:100],
        theme=theme.strip()[:300],
        grid=grid,
        grid_path=grid.path,
        starts_on=starts_on,
        ends_on=ends_on,
        rules=clean_rules,
        checklist=[dict(c) for c in checklist],
        note=note.strip()[:500],
        created_by=actor,
    )
    n = 0
    if clean_rules:
        n = _add_targets(
            campaign,
            employers_under(grid.path).filter(condition).only("id", "grid_id", "grid_path"),
            TargetSource.RULE,
            actor,
        )
    record(
        InspectionAudit.CAMPAIGN_CREATED,
        actor=actor,
        request=request,
        obj=campaign,
        detail={"count": n},
    )
    return campaign


@transaction.atomic
def add_campaign_targets(
    *, actor: User, campaign: Campaign, employer_ids: Iterable[int], request: Any = None
) -> int:
    """Manual additions (issue 16 §2): employers of the campaign's grid the rules did not pick."""
    if not can_set_campaign(actor, campaign.grid_path):
        raise PermissionDenied
    check_write(actor, Cap.WORK_WRITE, campaign.grid_path)
    if campaign.status == CampaignStatus.CLOSED:
        raise ValidationError(_("专项检查已结束。"))
    ids = {int(i) for i in employer_ids}
    if not ids:
        raise ValidationError({"employers": [_("请选择要加入的单位。")]})
    found = list(
        employers_under(campaign.grid_path).filter(pk__in=ids).only("id", "grid_id", "grid_path")
    )
    if len(found) != len(ids):
        raise ValidationError(
            {
                "employers": [
                    _("有 %(n)s 个单位不在专项检查范围内或已不在营。")
                    % {"n": len(ids) - len(found)}
                ]
            }
        )
    n = _add_targets(campaign, found, TargetSource.MANUAL, actor)
    record(
        InspectionAudit.CAMPAIGN_TARGETS_ADDED,
        actor=actor,
        request=request,
        obj=campaign,
        detail={"count": n},
    )
    return n


@transaction.atomic
def close_campaign(*, actor: User, campaign: Campaign, request: Any = None) -> Campaign:
    if not can_set_campaign(actor, campaign.grid_path):
        raise PermissionDenied
    check_write(actor, Cap.WORK_WRITE, campaign.grid_path)
    if campaign.status == CampaignStatus.CLOSED:
        raise ValidationError(_("专项检查已结束。"))
    Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.CLOSED)
    campaign.status = CampaignStatus.CLOSED
    record(InspectionAudit.CAMPAIGN_CLOSED, actor=actor, request=request, obj=campaign)
    return campaign


# --- visits -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FindingInput:
    key: str
    result: str
    note: str = ""


def _check_inspectors(one: Any, two: Any, on: date) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if one is None or two is None or one.pk == two.pk:
        errors["inspector_2"] = [_("现场检查须由两名不同的监察员共同进行。")]
        return errors
    for field, person in (("inspector_1", one), ("inspector_2", two)):
        if not is_certified(person, on):
            errors[field] = [_("%(name)s 没有有效的执法证。") % {"name": person.display_name}]
    return errors


def _clean_facts(facts: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in FACT_FIELDS:
        value = facts.get(key)
        if value in (None, ""):
            continue
        if isinstance(value, Decimal):
            value = str(value)
        out[key] = value
    return out


def _validate_facts(employer: Employer, facts: Mapping[str, Any], on: date) -> None:
    """The A3 rules of the registry, checked now (the snapshot itself is written when an
    inspector concludes): an assistant hears at once what the registry would refuse."""
    from laborgrid.employers.models import LabourSnapshot
    from laborgrid.employers.services import coerce_into, validate_snapshot

    snap = LabourSnapshot(employer=employer, method=CollectionMethod.INSPECTION)
    errors: dict[str, list[str]] = {}
    try:
        coerce_into(snap, {**facts, "collected_on": on}, ("collected_on", *FACT_FIELDS))
    except ValidationError as exc:
        errors = dict(exc.message_dict)
    if snap.arrears is None:
        snap.arrears = False
    try:
        validate_snapshot(snap, skip=set(errors))
    except ValidationError as exc:
        for k, msgs in exc.message_dict.items():
            errors.setdefault(k, []).extend(msgs)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def record_visit(
    *,
    actor: User,
    employer: Employer,
    client_key: uuid.UUID,
    outcome: str,
    started_at: datetime,
    inspector_1: Any,
    inspector_2: Any,
    findings: Sequence[FindingInput] = (),
    campaign: Campaign | None = None,
    assistants: Sequence[Any] = (),
    ended_at: datetime | None = None,
    place: str = "",
    facts: Mapping[str, Any] | None = None,
    present: str = "",
    note: str = "",
    gps: tuple[float, float, float | None] | None = None,
    request: Any = None,
) -> tuple[Visit, bool]:
    """Record an on-site visit (issue 16 §3). Idempotent on ``client_key``: the same key sent
    again (a phone's retry) answers the visit already recorded, ``created`` False.

    Two distinct inspectors holding a valid certificate on the day are named (条例 Art. 16); the
    recorder may be an assistant. The checklist is the campaign's template, else the patrol one;
    each item's result is stored as a finding.
    """
    existing = Visit.objects.filter(client_key=client_key).first()
    if existing is not None:
        if existing.recorded_by_id != actor.pk:
            raise PermissionDenied
        return existing, False
    check_write(actor, Cap.WORK_WRITE, employer.grid_path)
    errors: dict[str, list[str]] = {}
    if outcome not in VisitOutcome.values:
        errors["outcome"] = [_("请选择检查结果。")]
    if employer.merged_into_id is not None or employer.status not in ACTIVE:
        errors["employer"] = [_("该单位已不在营或已并入其他单位。")]
    local = timezone.localtime(started_at) if timezone.is_aware(started_at) else started_at
    on = local.date()
    if on > timezone.localdate():
        errors["started_at"] = [_("检查时间不能晚于今天。")]
    if ended_at is not None and ended_at < started_at:
        errors["ended_at"] = [_("结束时间不能早于开始时间。")]
    errors.update(_check_inspectors(inspector_1, inspector_2, on))
    if campaign is not None:
        if campaign.status != CampaignStatus.ACTIVE:
            errors["campaign"] = [_("专项检查不在进行中。")]
        elif not CampaignTarget.objects.filter(campaign=campaign, employer=employer).exists():
            errors["campaign"] = [_("该单位不是此专项检查的检查对象。")]
    template = list(campaign.checklist) if campaign is not None else checklists.default_template()
    keys = {c["key"] for c in template}
    by_key: dict[str, FindingInput] = {}
    for f in findings:
        if f.key not in keys:
            errors.setdefault("findings", []).append(_("未知的检查项目：%(key)s") % {"key": f.key})
        elif f.result not in FindingResult.values:
            errors.setdefault("findings", []).append(_("检查结果无效：%(key)s") % {"key": f.key})
        else:
            by_key[f.key] = f
    if outcome == VisitOutcome.INSPECTED and not any(
        f.result != FindingResult.NOT_CHECKED for f in by_key.values()
    ):
        errors.setdefault("findings", []).append(_("请至少填写一个检查项目的结果。"))
    clean = _clean_facts(facts or {})
    if clean and outcome == VisitOutcome.INSPECTED:
        try:
            _validate_facts(employer, clean, on)
        except ValidationError as exc:
            for k, msgs in exc.message_dict.items():
                errors.setdefault(k, []).extend(msgs)
    if errors:
        raise ValidationError(errors)
    distance = None
    lat = lng = acc = None
    if gps is not None:
        lat, lng, acc = gps
        if not (-90 <= lat <= 90 and -180 <= lng <= 180):
            raise ValidationError({"gps": [_("定位坐标无效。")]})
        if employer.lat is not None and employer.lng is not None:
            distance = round(distance_m(lat, lng, employer.lat, employer.lng), 1)
    target = (
        PatrolTarget.objects.filter(
            employer=employer,
            visit__isnull=True,
            plan__month__year=on.year,
            plan__month__month=on.month,
        )
        .exclude(plan__status=PlanStatus.CLOSED)
        .first()
    )
    visit = Visit(
        client_key=client_key,
        employer=employer,
        grid_id=employer.grid_id,
        grid_path=employer.grid_path,
        campaign=campaign,
        plan_target=target,
        outcome=outcome,
        visited_on=on,
        started_at=started_at,
        ended_at=ended_at,
        place=(place.strip() or employer.address or employer.name)[:300],
        inspector_1=inspector_1,
        inspector_2=inspector_2,
        recorded_by=actor,
        gps_lat=lat,
        gps_lng=lng,
        gps_accuracy=acc,
        gps_distance=distance,
        checklist=template,
        facts=clean if outcome == VisitOutcome.INSPECTED else {},
        present=present.strip()[:200],
        note=note.strip()[:5000],
    )
    try:
        with transaction.atomic():
            visit.save()
    except IntegrityError:  # the same key, sent twice at once: answer the first
        first = Visit.objects.get(client_key=client_key)
        return first, False
    helpers = [a for a in assistants if a.pk not in (inspector_1.pk, inspector_2.pk)]
    if helpers:
        visit.assistants.set(helpers)
    VisitFinding.objects.bulk_create(
        VisitFinding(
            visit=visit,
            key=c["key"],
            label=str(c.get("label") or c["key"])[:100],
            result=by_key[c["key"]].result if c["key"] in by_key else FindingResult.NOT_CHECKED,
            note=(by_key[c["key"]].note if c["key"] in by_key else "").strip()[:500],
        )
        for c in template
    )
    record(
        InspectionAudit.VISIT_RECORDED,
        actor=actor,
        request=request,
        obj=visit,
        detail={"employer": employer.pk, "campaign": campaign.pk if campaign else None},
    )
    return visit, True


def photo_bytes(photo: VisitPhoto) -> bytes:
    return open_sealed_photo(photo.file, PHOTO_CONTEXT)


def add_photo(
    *,
    actor: User,
    visit: Visit,
    content: bytes,
    content_type: str,
    caption: str = "",
    checklist_key: str = "",
    request: Any = None,
) -> tuple[VisitPhoto, bool]:
    """A photo taken at the visit, checked as collection checks its own (type by content, size)
    and encrypted at rest. The same bytes sent again change nothing."""
    check_write(actor, Cap.WORK_WRITE, visit.grid_path)
    if visit.status != VisitStatus.RECORDED:
        raise ValidationError(_("已确认的现场检查不能再添加照片。"))
    if actor.pk not in (visit.recorded_by_id, visit.inspector_1_id, visit.inspector_2_id):
        raise PermissionDenied
    if len(content) > MAX_PHOTO_BYTES:
        raise ValidationError(
            {"file": [_("照片过大（不超过 %(mb)s MB）。") % {"mb": MAX_PHOTO_BYTES // 1048576}]}
        )
    sniffed = sniff_image(content)
    if sniffed is None or sniffed not in PHOTO_TYPES or content_type.split(";")[0] != sniffed:
        raise ValidationError({"file": [_("只接受 JPEG、PNG 或 WebP 图片。")]})
    keys = {c["key"] for c in visit.checklist}
    if checklist_key and checklist_key not in keys:
        raise ValidationError({"checklist_key": [_("未知的检查项目。")]})
    digest = hashlib.sha256(content).hexdigest()
    with transaction.atomic():
        found = VisitPhoto.objects.filter(visit=visit, sha256=digest).first()
        if found is not None:
            return found, False
        if VisitPhoto.objects.filter(visit=visit).count() >= MAX_PHOTOS:
            raise ValidationError({"file": [_("每次检查最多 %(n)s 张照片。") % {"n": MAX_PHOTOS}]})
        photo = VisitPhoto(
            visit=visit,
            checklist_key=checklist_key,
            caption=caption.strip()[:200],
            content_type=sniffed,
            size=len(content),
            sha256=digest,
            uploaded_by=actor,
        )
        photo.file.save("photo", sealed_photo(content, PHOTO_CONTEXT), save=False)
        photo.save()
        record(
            InspectionAudit.VISIT_PHOTO_ADDED,
            actor=actor,
            request=request,
            obj=visit,
        )
    return photo, True


@dataclass(frozen=True)
class FindingDecision:
    key: str
    result: str
    note: str = ""
    to_order: bool = False
    working_days: int = 10


def _money(value: Any) -> Decimal:
    try:
        d = Decimal(str(value if value not in (None, "") else 0))
    except InvalidOperation as exc:
        raise ValidationError({"wages_recovered": [_("请填写金额。")]}) from exc
    if d < 0 or d >= Decimal("1e12"):
        raise ValidationError({"wages_recovered": [_("金额无效。")]})
    return d.quantize(Decimal("0.01"))


@transaction.atomic
def conclude_visit(
    *,
    actor: User,
    visit: Visit,
    decisions: Sequence[FindingDecision],
    signature: str,
    rep_name: str = "",
    rep_position: str = "",
    refusal_reason: str = "",
    inspectors_signed: bool = True,
    wages_recovered: Any = 0,
    workers_concerned: int = 0,
    request: Any = None,
) -> Visit:
    """One of the visit's two certified inspectors confirms the findings (and which failed items
    become items of a rectification order), records who signed the 笔录 — a refusal with its
    reason (浙江 Art. 25) — and issues it; the observed facts become the employer's labour-use
    snapshot (method ``inspection``)."""
    from laborgrid.documents import services as documents
    from laborgrid.employers.services import record_snapshot

    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    check_write(actor, Cap.WORK_WRITE, visit.grid_path)
    if visit.status != VisitStatus.RECORDED:
        raise ValidationError(_("该现场检查已确认。"))
    if not can_conclude(actor, visit):
        raise PermissionDenied(_("只有本次检查的两名持证监察员之一可以确认。"))
    errors: dict[str, list[str]] = {}
    if not inspectors_signed:
        errors["inspectors_signed"] = [_("笔录须由两名检查人签名。")]
    if signature not in Signature.values:
        errors["signature"] = [_("请选择被检查单位负责人的签名情况。")]
    if signature in (Signature.SIGNED, Signature.REFUSED) and not rep_name.strip():
        errors["rep_name"] = [_("请填写被检查单位负责人姓名。")]
    if signature == Signature.REFUSED and not refusal_reason.strip():
        errors["refusal_reason"] = [_("拒绝签名的，须注明理由。")]
    try:
        money = _money(wages_recovered)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        money = Decimal(0)
    if workers_concerned is None or int(workers_concerned) < 0:
        errors["workers_concerned"] = [_("人数不能为负数。")]
    findings = {f.key: f for f in visit.findings.all()}
    for d in decisions:
        f = findings.get(d.key)
        if f is None or d.result not in FindingResult.values:
            errors.setdefault("findings", []).append(_("检查结果无效：%(key)s") % {"key": d.key})
            continue
        if d.to_order and d.result != FindingResult.VIOLATION:
            errors.setdefault("findings", []).append(
                _("只有存在问题的项目可以列入整改：%(label)s") % {"label": f.label}
            )
        if d.to_order and not 1 <= d.working_days <= 60:
            errors.setdefault("findings", []).append(
                _("整改期限须为 1–60 个工作日：%(label)s") % {"label": f.label}
            )
        f.result, f.note = d.result, d.note.strip()[:500]
        f.to_order, f.working_days = d.to_order, d.working_days if d.to_order else 10
    if errors:
        raise ValidationError(errors)
    for f in findings.values():
        f.save()
    if visit.outcome == VisitOutcome.INSPECTED and visit.facts:
        visit.snapshot = record_snapshot(
            actor=actor,
            employer=visit.employer,
            data={
                **visit.facts,
                "collected_on": visit.visited_on,
                "gps_lat": visit.gps_lat,
                "gps_lng": visit.gps_lng,
            },
            method=CollectionMethod.INSPECTION,
            source=_("现场检查"),
            collector=visit.recorded_by,
        )
    visit.rep_name, visit.rep_position = rep_name.strip()[:60], rep_position.strip()[:60]
    visit.signature, visit.refusal_reason = signature, refusal_reason.strip()[:300]
    visit.inspectors_signed = inspectors_signed
    visit.wages_recovered, visit.workers_concerned = money, int(workers_concerned)
    visit.status = VisitStatus.CONCLUDED
    visit.concluded_by, visit.concluded_at = actor, timezone.now()
    if visit.ended_at is None:
        visit.ended_at = visit.concluded_at
    today = timezone.localdate()
    kind = documents.DocumentType.INSPECTION_RECORD
    visit.record_number = documents.allocate_number(doc_type=kind, year=today.year)
    try:
        pdf = documents.render_document(kind, record_context(visit, list(findings.values())))
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    visit.record_sha256 = hashlib.sha256(pdf).hexdigest()
    visit.record_file.save("record.pdf", ContentFile(pdf), save=False)
    visit.save()
    if visit.plan_target_id:
        PatrolTarget.objects.filter(pk=visit.plan_target_id, visit__isnull=True).update(visit=visit)
    record(
        InspectionAudit.VISIT_CONCLUDED,
        actor=actor,
        request=request,
        obj=visit,
        detail={
            "violations": sum(1 for f in findings.values() if f.result == FindingResult.VIOLATION),
            "to_order": sum(1 for f in findings.values() if f.to_order),
            "signature": signature,
        },
    )
    return visit


def record_context(visit: Visit, findings: Sequence[VisitFinding]) -> dict[str, Any]:
    """The 现场检查笔录's content (``documents.layouts.RecordContext``) from the visit."""
    from laborgrid.cases.documents import authority
    from laborgrid.cases.models import InspectorCertificate

    inspectors = []
    for person in (visit.inspector_1, visit.inspector_2):
        cert = (
            InspectorCertificate.objects.filter(user=person, revoked_at__isnull=True)
            .order_by("-valid_to")
            .first()
        )
        inspectors.append({"name": person.display_name, "certificate": cert.number if cert else ""})
    employer = visit.employer
    subject = {
        "name": employer.name,
        "code": employer.uscc or "",
        "legal_rep": employer.legal_rep,
        "address": employer.address,
    }
    if visit.rep_name:
        subject["position"] = (
            _("现场负责人：%(name)s %(pos)s") % {"name": visit.rep_name, "pos": visit.rep_position}
        ).strip()
    assistants = [a.display_name for a in visit.assistants.all()]
    present = "、".join(p for p in [visit.present, *assistants] if p)
    paragraphs = [
        _("检查结果：%(o)s。") % {"o": visit.get_outcome_display()},
    ]
    for f in findings:
        line = f"{f.label}：{f.get_result_display()}"
        if f.note:
            line += f"。{f.note}"
        paragraphs.append(line + "。")
    if visit.note:
        paragraphs.extend(p.strip() for p in visit.note.splitlines() if p.strip())
    if visit.wages_recovered:
        paragraphs.append(
            _("现场督促追发工资 %(m)s 元，涉及劳动者 %(n)s 人。")
            % {"m": visit.wages_recovered, "n": visit.workers_concerned}
        )
    if visit.signature == Signature.REFUSED:
        paragraphs.append(
            _("被检查单位负责人%(name)s拒绝在笔录上签名，理由：%(r)s。检查人员在笔录上注明。")
            % {"name": visit.rep_name, "r": visit.refusal_reason}
        )
    elif visit.signature == Signature.ABSENT:
        paragraphs.append(_("被检查单位负责人不在场，由在场人员核对。"))
    return {
        "number": visit.record_number,
        "case_title": visit.campaign.name if visit.campaign is not None else _("日常巡视检查"),
        "started_at": timezone.localtime(visit.started_at),
        "ended_at": timezone.localtime(visit.ended_at) if visit.ended_at else None,
        "place": visit.place,
        "inspectors": inspectors,
        "recorder": visit.recorded_by.display_name,
        "subject": {k: v for k, v in subject.items() if v},
        "present": present,
        "findings": paragraphs,
        "authority": authority(),
    }


# --- the order to correct (issue 16 §4) and the visit as an order's source ------------------------


@dataclass(frozen=True)
class OrderLine:
    """One item of the order issued from a visit: the finding it comes from (its checklist key),
    what to correct, the violation it cites (a key of ``cases.violations.VIOLATIONS``) and the
    period in working days."""

    key: str
    text: str
    violation: str
    working_days: int = 10


def orders_of(visit: Visit) -> Any:
    """The orders issued from the visit (through the rectifications registry's generic source)."""
    from django.contrib.contenttypes.models import ContentType

    from laborgrid.rectifications.models import RectificationOrder

    return RectificationOrder.objects.filter(
        source_type=ContentType.objects.get_for_model(Visit), source_id=visit.pk
    )


def proposed_lines(visit: Visit) -> list[OrderLine]:
    """The order the visit's confirmed findings propose: each finding ticked for rectification,
    with the violation its checklist item maps to and the text that violation orders."""
    out = []
    for f in visit.findings.filter(to_order=True).order_by("id"):
        violation = checklists.violation_of(f.key)
        text = checklists.order_text(violation) or f.label
        out.append(OrderLine(f.key, text, violation, f.working_days))
    return out


@transaction.atomic
def issue_visit_order(
    *, actor: User, visit: Visit, lines: Sequence[OrderLine], request: Any = None
) -> Any:
    """下达责令改正指令书 from a concluded visit: its items are findings the inspectors ticked for
    rectification when they confirmed the 笔录, each citing a violation of the legal-basis
    table. Only a certified inspector with a handler role issues it (``rectifications.services
    .issue_order`` checks; assistants are refused). One order per visit: its items are the
    visit's findings, a second would order the same thing twice."""
    from laborgrid.rectifications.services import OrderItemInput, issue_order

    visit = Visit.objects.select_for_update().select_related("employer").get(pk=visit.pk)
    check_write(actor, Cap.WORK_WRITE, visit.grid_path)
    if visit.status != VisitStatus.CONCLUDED:
        raise ValidationError(_("现场检查经监察员确认并出具笔录后，才能下达责令改正指令书。"))
    from laborgrid.rectifications import clock

    if clock.today() < visit.visited_on:
        raise ValidationError(_("指令书的下达日期不能早于检查日期。"))
    first = orders_of(visit).first()
    if first is not None:
        raise ValidationError(
            _("本次检查已下达责令改正指令书 %(number)s。") % {"number": first.number}
        )
    ticked = {f.key: f for f in visit.findings.filter(to_order=True)}
    if not lines:
        raise ValidationError({"items": [_("请至少选择一项列入整改的检查项目。")]})
    errors = []
    seen: set[str] = set()
    for line in lines:
        if line.key not in ticked:
            errors.append(
                _("“%(key)s”不是确认时列入整改的项目。")
                % {"key": checklists.label_of(visit.checklist, line.key)}
            )
        elif line.key in seen:
            errors.append(_("检查项目重复：%(key)s") % {"key": ticked[line.key].label})
        seen.add(line.key)
    if errors:
        raise ValidationError({"items": errors})
    return issue_order(
        actor=actor,
        employer=visit.employer,
        items=[OrderItemInput(x.text, x.violation, x.working_days) for x in lines],
        source=visit,
        request=request,
    )


PHOTO_EXT = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}


def _photo_opener(photo: VisitPhoto) -> Any:
    """The photo's bytes, decrypted; a WebP photo as PNG (a case's evidence takes PDF, JPEG and
    PNG), losslessly."""
    import io

    def open_() -> Any:
        data = photo_bytes(photo)
        if photo.content_type == "image/webp":
            from PIL import Image

            out = io.BytesIO()
            with Image.open(io.BytesIO(data)) as img:
                img.save(out, format="PNG")
            data = out.getvalue()
        return io.BytesIO(data)

    return open_


def visit_evidence(visit: Visit) -> list[Any]:
    """What a case opened from the visit's order carries (``rectifications.registry``): the
    现场检查笔录 (PDF) and every photo taken, decrypted (the case keeps its own copy)."""
    from laborgrid.rectifications.registry import EvidenceFile

    files = []
    if visit.record_file:
        files.append(
            EvidenceFile(
                f"{visit.record_number or visit.pk}.pdf",
                "application/pdf",
                lambda: visit.record_file.open("rb"),
                _("现场检查笔录 %(number)s") % {"number": visit.record_number},
            )
        )
    for n, p in enumerate(visit.photos.all(), start=1):
        webp = p.content_type == "image/webp"
        ext = ".png" if webp else PHOTO_EXT.get(p.content_type, ".jpg")
        label = checklists.label_of(visit.checklist, p.checklist_key) if p.checklist_key else ""
        note = "；".join(x for x in (_("现场照片"), label, p.caption) if x)
        files.append(
            EvidenceFile(
                f"{visit.record_number or visit.pk}-{n}{ext}",
                "image/png" if webp else p.content_type,
                _photo_opener(p),
                note,
            )
        )
    return files

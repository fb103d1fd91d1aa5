"""Every write of the assessment app (keyword-only ``actor``, atomic, audited).

* :func:`save_scheme` — the county's indicators and weights for a year;
* :func:`compute_assessment` — a new version of a year's assessment (draft), from the records;
* :func:`review_assessment`, :func:`publish_assessment` — draft → reviewed → published; a
  published version is locked (nothing here writes its scores again) and publishing a newer one
  marks it superseded;
* :func:`record_check` — an acceptance item (office, signage) checked by the county.

Scoring (``score_of``): an indicator's rate is records for / records counted in the grid's whole
subtree; its points are weight × rate. An indicator with no record to judge in a grid (a village
without complaints) is not held against it: it gets its full weight. A grid where no indicator
has any record has no score and no rank. Weights add up to 100, so a score is out of 100. A
person's score counts only the indicators that have a per-person rule, scaled to 100.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from laborgrid.accounts.roles import Cap
from laborgrid.assessment import indicators
from laborgrid.assessment.audit_actions import AssessmentAudit
from laborgrid.assessment.choices import AssessmentStatus, CheckItem
from laborgrid.assessment.models import (
    MAX_PHOTO_BYTES,
    PHOTO_TYPES,
    Assessment,
    ChecklistCheck,
    Evidence,
    GridScore,
    Indicator,
    PersonScore,
    Scheme,
)
from laborgrid.audit.services import record
from laborgrid.core.scope import check_write
from laborgrid.grids.models import Grid

#: The earliest year an assessment may be configured or computed for.
FIRST_YEAR = 2000
TOTAL_WEIGHT = 100
EVIDENCE_BATCH = 2000


def _check_year(year: int, today: date | None = None) -> None:
    today = today or timezone.localdate()
    if year < FIRST_YEAR or year > today.year + 1:
        raise ValidationError(
            {
                "year": [
                    _("考核年度应在 %(a)s 至 %(b)s 之间。") % {"a": FIRST_YEAR, "b": today.year + 1}
                ]
            }
        )


# --- the scheme ---------------------------------------------------------------------------------


def default_rows() -> list[dict[str, Any]]:
    """A new year's indicators: every registered computation with a default weight."""
    return [
        {"key": c.key, "label": "", "weight": c.default_weight}
        for c in indicators.all_computations()
        if c.default_weight > 0
    ]


def scheme_rows(root: Grid, year: int) -> tuple[Scheme | None, list[dict[str, Any]]]:
    """The year's scheme and its indicators; the defaults when the county has not set any."""
    scheme = Scheme.objects.filter(grid=root, year=year).first()
    if scheme is None:
        return None, default_rows()
    return scheme, [
        {"key": i.key, "label": i.label, "weight": i.weight} for i in scheme.indicators.all()
    ]


def validate_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Clean indicator rows or raise a ValidationError naming every problem."""
    errors: list[str] = []
    clean: list[dict[str, Any]] = []
    seen: set[str] = set()
    for row in rows:
        key = str(row.get("key", ""))
        computation = indicators.get(key)
        if computation is None:
            errors.append(_("未知的考核指标：%(key)s。") % {"key": key})
            continue
        if key in seen:
            errors.append(_("指标“%(label)s”重复。") % {"label": computation.label})
            continue
        seen.add(key)
        label = str(row.get("label") or "").strip()
        if indicators.is_default_label(key, label):
            label = ""  # the registered name, shown in the reader's language
        if len(label) > 60:
            errors.append(_("指标名称不能超过60个字。"))
        try:
            weight = int(row.get("weight"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            errors.append(_("“%(label)s”的分值应为整数。") % {"label": label or computation.label})
            continue
        if not 1 <= weight <= TOTAL_WEIGHT:
            errors.append(
                _("“%(label)s”的分值应在1至100之间。") % {"label": label or computation.label}
            )
            continue
        clean.append({"key": key, "label": label, "weight": weight})
    if not clean and not errors:
        errors.append(_("至少选择一项考核指标。"))
    total = sum(r["weight"] for r in clean)
    if clean and not errors and total != TOTAL_WEIGHT:
        errors.append(_("各项分值合计应为100分，现为 %(total)s 分。") % {"total": total})
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def save_scheme(
    *,
    actor: Any,
    root: Grid,
    year: int,
    rows: list[dict[str, Any]],
    note: str = "",
    request: Any = None,
) -> Scheme:
    """Set the county's indicators and weights for ``year`` (replacing the earlier ones)."""
    check_write(actor, Cap.WORK_WRITE, root.path)
    _check_year(year)
    clean = validate_rows(rows)
    scheme, _created = Scheme.objects.select_for_update().get_or_create(
        grid=root, year=year, defaults={"grid_path": root.path, "updated_by": actor}
    )
    scheme.note = note.strip()[:2000]
    scheme.updated_by = actor
    scheme.updated_at = timezone.now()
    scheme.save()
    scheme.indicators.all().delete()
    Indicator.objects.bulk_create(
        Indicator(scheme=scheme, key=r["key"], label=r["label"], weight=r["weight"], order=n)
        for n, r in enumerate(clean)
    )
    record(
        AssessmentAudit.SCHEME_SAVED,
        actor=actor,
        request=request,
        obj=scheme,
        detail={"year": year},
    )
    return scheme


# --- computing ------------------------------------------------------------------------------------


def _quantize(value: float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def score_of(
    figures: dict[str, list[int]], weights: list[tuple[str, int]], scale: int = TOTAL_WEIGHT
) -> Decimal | None:
    """The score out of ``scale`` (see the module docstring); None without any record."""
    total_weight = sum(w for _k, w in weights)
    if not total_weight or not any(figures.get(k, [0, 0])[1] for k, _w in weights):
        return None
    points = 0.0
    for key, weight in weights:
        good, counted = figures.get(key, [0, 0])
        points += weight * (good / counted if counted else 1.0)
    return _quantize(points * scale / total_weight)


def points_of(figures: dict[str, list[int]], key: str, weight: int) -> float:
    good, counted = figures.get(key, [0, 0])
    return weight * (good / counted if counted else 1.0)


def _parent(path: str) -> str:
    return path[: path.rstrip("/").rfind("/") + 1]


def _ranks(scores: Iterable[GridScore]) -> None:
    """Competition ranking (1, 2, 2, 4) among siblings; grids without a score are unranked."""
    groups: dict[str, list[GridScore]] = defaultdict(list)
    for s in scores:
        if s.score is not None:
            groups[s.parent_path].append(s)
    for group in groups.values():
        group.sort(key=lambda s: (-(s.score or 0), s.grid_path))
        previous: Decimal | None = None
        rank = 0
        for n, s in enumerate(group, start=1):
            if s.score != previous:
                rank = n
                previous = s.score
            s.rank = rank


@dataclass
class _Tally:
    good: int = 0
    total: int = 0


def _owner(paths: set[str], path: str, root_path: str) -> str:
    """The grid a record's path is counted on: its own, else the nearest known ancestor."""
    while path not in paths and len(path) > len(root_path):
        path = _parent(path)
    return path if path in paths else root_path


@transaction.atomic
def compute_assessment(
    *, actor: Any, root: Grid, year: int, today: date | None = None, request: Any = None
) -> Assessment:
    """Compute a new version of ``year``'s assessment of the county ``root`` (a draft).

    Records are read as of the year's last day, or today while the year runs. Earlier versions,
    published ones above all, are left exactly as they were."""
    check_write(actor, Cap.WORK_WRITE, root.path)
    today = today or timezone.localdate()
    _check_year(year, today)
    if year > today.year:
        raise ValidationError({"year": [_("该年度尚未开始，不能计算考核结果。")]})
    _scheme, rows = scheme_rows(root, year)
    rows = validate_rows(rows)
    as_of = min(date(year, 12, 31), today)
    # One computation at a time per county and year: the version number is taken under a lock.
    Grid.objects.select_for_update().filter(pk=root.pk).first()
    last = Assessment.objects.filter(grid=root, year=year).aggregate(m=Max("version"))["m"]
    assessment = Assessment.objects.create(
        grid=root,
        grid_path=root.path,
        year=year,
        version=(last or 0) + 1,
        as_of=as_of,
        indicators=rows,
        computed_by=actor,
    )
    ctx = indicators.Context(root=root, year=year, as_of=as_of)
    grids = list(Grid.objects.filter(path__under=root.path).order_by("path"))
    paths = {g.path for g in grids}
    own: dict[str, dict[str, _Tally]] = defaultdict(lambda: defaultdict(_Tally))
    person: dict[int, dict[str, _Tally]] = defaultdict(lambda: defaultdict(_Tally))
    person_keys: list[tuple[str, int]] = []
    for row in rows:
        computation = indicators.get(row["key"])
        if computation is None:  # validate_rows checked it; a module removed since
            continue
        _store(assessment, row["key"], computation.grid_points(ctx), own, paths, root.path)
        if computation.person_points is not None:
            person_keys.append((row["key"], row["weight"]))
            _store(
                assessment,
                row["key"],
                computation.person_points(ctx),
                person,
                paths,
                root.path,
            )
    weights = [(r["key"], r["weight"]) for r in rows]
    rolled: dict[str, dict[str, list[int]]] = {
        p: {k: [t.good, t.total] for k, t in own[p].items()} for p in paths
    }
    for p in sorted(paths, key=len, reverse=True):  # deepest first: children before parents
        if p == root.path:
            continue
        parent = rolled[_parent(p)] if _parent(p) in rolled else rolled[root.path]
        for k, (good, counted) in rolled[p].items():
            acc = parent.setdefault(k, [0, 0])
            acc[0] += good
            acc[1] += counted
    scores = []
    for g in grids:
        figures = rolled[g.path]
        if not g.is_active and not any(t for _g, t in figures.values()):
            continue
        scores.append(
            GridScore(
                assessment=assessment,
                grid=g,
                grid_path=g.path,
                parent_path=_parent(g.path) if g.path != root.path else "",
                figures=figures,
                score=score_of(figures, weights),
            )
        )
    _ranks(scores)
    GridScore.objects.bulk_create(scores, batch_size=500)
    _people(assessment, ctx, person, person_keys)
    record(
        AssessmentAudit.COMPUTED,
        actor=actor,
        request=request,
        obj=assessment,
        detail={"year": year, "version": assessment.version},
    )
    return assessment


def _store(
    assessment: Assessment,
    key: str,
    points: Iterable[indicators.Point],
    tallies: dict[Any, dict[str, _Tally]],
    paths: set[str],
    root_path: str,
) -> None:
    """Write the points as evidence rows (in batches) and count them (by grid, or by person)."""
    batch: list[Evidence] = []
    for p in points:
        path = _owner(paths, p.grid_path, root_path)
        tally = tallies[p.user_id if p.user_id is not None else path][key]
        tally.total += 1
        tally.good += int(p.good)
        batch.append(
            Evidence(
                assessment=assessment,
                indicator=key,
                grid_path=path,
                user_id=p.user_id,
                good=p.good,
                outcome=p.outcome[:24],
                model=p.model,
                object_id=p.object_id,
                text=p.text[:300],
                detail=p.detail[:64],
                on=p.on,
                url=p.url[:300],
            )
        )
        if len(batch) >= EVIDENCE_BATCH:
            Evidence.objects.bulk_create(batch)
            batch = []
    if batch:
        Evidence.objects.bulk_create(batch)


def _people(
    assessment: Assessment,
    ctx: indicators.Context,
    tallies: dict[Any, dict[str, _Tally]],
    keys: list[tuple[str, int]],
) -> None:
    """A score for every staff member who held a post in the county during the year."""
    from laborgrid.assessment.computations.deadlines import posts

    first_post: dict[int, Any] = {}
    for post in posts(ctx):
        held = first_post.get(post.user_id)
        if held is None or post.grid.depth < held.grid.depth:
            first_post[post.user_id] = post
    rows = []
    for user_id, post in first_post.items():
        figures = {k: [t.good, t.total] for k, t in tallies.get(user_id, {}).items()}
        rows.append(
            PersonScore(
                assessment=assessment,
                user_id=user_id,
                grid=post.grid,
                grid_path=post.grid.path,
                role=post.role,
                figures=figures,
                score=score_of(figures, keys),
            )
        )
    PersonScore.objects.bulk_create(rows, batch_size=500)


# --- review and publication -----------------------------------------------------------------------


@transaction.atomic
def review_assessment(
    *, actor: Any, assessment: Assessment, note: str = "", request: Any = None
) -> Assessment:
    """A draft is checked by the county (审核): it may then be published."""
    check_write(actor, Cap.WORK_WRITE, assessment.grid_path)
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if locked.status != AssessmentStatus.DRAFT:
        raise ValidationError(_("只有待审核的考核结果可以审核。"))
    locked.status = AssessmentStatus.REVIEWED
    locked.reviewed_by = actor
    locked.reviewed_at = timezone.now()
    locked.review_note = note.strip()[:500]
    locked.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
    record(
        AssessmentAudit.REVIEWED,
        actor=actor,
        request=request,
        obj=locked,
        detail={"year": locked.year, "version": locked.version},
    )
    return locked


@transaction.atomic
def publish_assessment(*, actor: Any, assessment: Assessment, request: Any = None) -> Assessment:
    """Publish a reviewed version: its scores are final from now on. The version published
    before it (if any) is marked superseded and kept unchanged."""
    check_write(actor, Cap.WORK_WRITE, assessment.grid_path)
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if locked.status != AssessmentStatus.REVIEWED:
        raise ValidationError(_("考核结果须先审核，才能发布。"))
    Assessment.objects.filter(
        grid_id=locked.grid_id, year=locked.year, status=AssessmentStatus.PUBLISHED
    ).update(status=AssessmentStatus.SUPERSEDED)
    locked.status = AssessmentStatus.PUBLISHED
    locked.published_by = actor
    locked.published_at = timezone.now()
    locked.save(update_fields=["status", "published_by", "published_at"])
    record(
        AssessmentAudit.PUBLISHED,
        actor=actor,
        request=request,
        obj=locked,
        detail={"year": locked.year, "version": locked.version},
    )
    return locked


# --- the acceptance checklist ---------------------------------------------------------------------


def _sniff(content: bytes) -> str | None:
    if content[:3] == b"\xff\xd8\xff":
        return "image/jpeg"
    if content[:8] == b"\x89PNG\r\n\x1a\n":
        return "image/png"
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    return None


@transaction.atomic
def record_check(
    *,
    actor: Any,
    root: Grid,
    grid: Grid,
    year: int,
    item: str,
    passed: bool,
    checked_on: date,
    note: str = "",
    photo: bytes | None = None,
    request: Any = None,
) -> ChecklistCheck:
    """The county records an acceptance item of ``grid`` for ``year`` (a new check of the same
    item replaces the earlier one; the audit log keeps each). Only the county (``work.write`` on
    ``root``, the county grid above ``grid``) checks."""
    check_write(actor, Cap.WORK_WRITE, root.path)
    if not grid.path.startswith(root.path) or grid.pk == root.pk:
        raise PermissionDenied
    _check_year(year)
    errors: dict[str, list[str]] = {}
    if item not in CheckItem.values:
        errors["item"] = [_("验收项目无效。")]
    if checked_on > timezone.localdate():
        errors["checked_on"] = [_("检查日期不能晚于今天。")]
    elif checked_on.year != year:
        errors["checked_on"] = [_("检查日期应在考核年度内。")]
    sniffed = None
    if photo:
        sniffed = _sniff(photo)
        if len(photo) > MAX_PHOTO_BYTES:
            errors["photo"] = [
                _("照片过大（不超过 %(mb)s MB）。") % {"mb": MAX_PHOTO_BYTES // 1048576}
            ]
        elif sniffed is None or sniffed not in PHOTO_TYPES:
            errors["photo"] = [_("只接受 JPEG、PNG 或 WebP 图片。")]
    if errors:
        raise ValidationError(errors)
    check = (
        ChecklistCheck.objects.select_for_update().filter(grid=grid, year=year, item=item).first()
    )
    if check is None:
        check = ChecklistCheck(grid=grid, grid_path=grid.path, year=year, item=item)
    check.passed = passed
    check.checked_on = checked_on
    check.note = note.strip()[:300]
    check.checked_by = actor
    check.checked_at = timezone.now()
    if photo:
        digest = hashlib.sha256(photo).hexdigest()[:16]
        check.photo.save(
            f"{digest}.{(sniffed or 'x').split('/')[1]}", ContentFile(photo), save=False
        )
        check.photo_type = sniffed or ""
    check.save()
    record(
        AssessmentAudit.CHECK_RECORDED,
        actor=actor,
        request=request,
        obj=check,
        detail={"item": item, "passed": passed, "checked_on": checked_on.isoformat()},
    )
    return check

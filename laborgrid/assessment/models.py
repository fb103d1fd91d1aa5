"""Grid assessment (考核验收, issue 20 item 3).

* ``Scheme`` — a county's indicators for a year (考核方案): each ``Indicator`` is a key (the
  registered computation it uses, ``laborgrid.assessment.indicators``), a label and a weight. Data
  the county edits; a computed assessment copies them, so a later edit changes no result.
* ``Assessment`` — one computed **version** of a year's assessment of a county: draft → reviewed →
  published. Published results are locked: nothing writes to a published version's rows again; a
  recomputation is a new version, and publishing it marks the earlier one superseded (kept).
* ``Evidence`` — the records behind every point: one row per record an indicator looked at (an
  employer, a deadline, a case, a collection task, a checklist item), with the grid it belongs to,
  whether it counted for or against, its description and link. A grid's figures are the counts of
  the evidence rows under its path, so every score drills down to exactly the records that made it.
* ``GridScore`` / ``PersonScore`` — the figures and score of every grid of the county and of every
  staff member, with the rank of a grid among its siblings (townships in the county, villages in
  a township).
* ``ChecklistCheck`` — an acceptance item (office, signage) checked by the county on a grid for a
  year, with the date and a photo. Staff in post is computed from the grid's assignments.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from laborgrid.assessment.choices import AssessmentStatus, CheckItem
from laborgrid.core.paths import PathField
from laborgrid.core.scope import ScopedQuerySet

#: Photos of an office or a sign larger than this are refused.
MAX_PHOTO_BYTES = 4 * 1024 * 1024
PHOTO_TYPES = ("image/jpeg", "image/png", "image/webp")


class SchemeQuerySet(ScopedQuerySet["Scheme"]):
    scope_path_field = "grid_path"


class Scheme(models.Model):
    """The indicators and weights a county assesses its grids by in one year (考核方案)."""

    grid = models.ForeignKey(
        "grids.Grid", on_delete=models.PROTECT, related_name="+", verbose_name=_("考核单位")
    )
    grid_path = PathField(_("网格路径"), db_index=True, editable=False)
    year = models.PositiveSmallIntegerField(_("考核年度"))
    note = models.TextField(_("说明"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("修改人"),
    )
    updated_at = models.DateTimeField(_("修改时间"), default=timezone.now)

    objects = SchemeQuerySet.as_manager()

    class Meta:
        verbose_name = _("考核方案")
        verbose_name_plural = _("考核方案")
        constraints = [
            models.UniqueConstraint(fields=["grid", "year"], name="assessment_scheme_once"),
        ]

    def __str__(self) -> str:
        return f"{self.grid_id} {self.year}"


class Indicator(models.Model):
    """One indicator of a scheme: a registered computation, its label and weight (points)."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="indicators")
    key = models.CharField(_("指标"), max_length=40)
    #: Empty: the registered name, shown in the reader's language.
    label = models.CharField(_("名称"), max_length=60, blank=True)
    weight = models.PositiveSmallIntegerField(_("分值"))
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("考核指标")
        verbose_name_plural = _("考核指标")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "key"], name="assessment_indicator_once"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="assessment_weight_positive"),
        ]

    def __str__(self) -> str:
        return self.label or self.key


class AssessmentQuerySet(ScopedQuerySet["Assessment"]):
    scope_path_field = "grid_path"

    def visible_to(self, user: Any, capability: str | None = None) -> AssessmentQuerySet:
        """A county's assessments are seen by everyone with a grid inside the county: each sees
        the scores of their own grids and those below (``GridScore.objects.visible_to``)."""
        from laborgrid.core.paths import path_codes
        from laborgrid.core.scope import get_scope

        paths = get_scope(user).paths(capability or self.read_capability)
        if not paths:
            return self.none()
        q = Q()
        for p in paths:
            codes = path_codes(p)
            ancestors = ["".join(f"{c}/" for c in codes[:i]) for i in range(1, len(codes) + 1)]
            q |= Q(grid_path__under=p) | Q(grid_path__in=ancestors)
        return self.filter(q)


class Assessment(models.Model):
    """One computed version of a county's assessment for a year."""

    grid = models.ForeignKey(
        "grids.Grid", on_delete=models.PROTECT, related_name="+", verbose_name=_("考核单位")
    )
    grid_path = PathField(_("网格路径"), db_index=True, editable=False)
    year = models.PositiveSmallIntegerField(_("考核年度"))
    version = models.PositiveSmallIntegerField(_("版本"))
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=AssessmentStatus.choices,
        default=AssessmentStatus.DRAFT,
    )
    #: The day the records were read as of (the year's last day, or the day of computation).
    as_of = models.DateField(_("统计截止日"))
    #: The scheme as it was when computed: [{key, label, weight}], in order.
    indicators = models.JSONField(_("考核指标"), default=list)
    computed_at = models.DateTimeField(_("计算时间"), default=timezone.now)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("计算人"),
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("审核人"),
    )
    review_note = models.CharField(_("审核意见"), max_length=500, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("发布人"),
    )

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("考核结果")
        verbose_name_plural = _("考核结果")
        ordering = ["-year", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["grid", "year", "version"], name="assessment_version_once"
            ),
            models.UniqueConstraint(
                fields=["grid", "year"],
                condition=Q(status="published"),
                name="assessment_one_published",
            ),
            models.CheckConstraint(
                condition=Q(status__in=AssessmentStatus.values), name="assessment_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} v{self.version}"

    def get_absolute_url(self) -> str:
        query = f"?county={self.grid.code}&year={self.year}&version={self.version}"
        return reverse("assessment:run_detail") + query

    @property
    def locked(self) -> bool:
        return self.status in (AssessmentStatus.PUBLISHED, AssessmentStatus.SUPERSEDED)

    @property
    def indicator_list(self) -> list[dict[str, object]]:
        """The version's indicators with their names (the county's own, else the registered
        one in the reader's language) and rules."""
        from laborgrid.assessment import indicators

        result = []
        for i in self.indicators:
            c = indicators.get(i["key"])
            result.append(
                {
                    "key": i["key"],
                    "label": indicators.label(i["key"], i.get("label", "")),
                    "weight": int(i["weight"]),
                    "rule": str(c.rule) if c else "",
                }
            )
        return result

    @property
    def total_weight(self) -> int:
        return sum(int(i["weight"]) for i in self.indicators)


class GridScoreQuerySet(ScopedQuerySet["GridScore"]):
    scope_path_field = "grid_path"


class GridScore(models.Model):
    """A grid's figures and score in one assessment version (its whole subtree's records)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="grids")
    grid = models.ForeignKey("grids.Grid", on_delete=models.PROTECT, related_name="+")
    grid_path = PathField(_("网格路径"), db_index=True, editable=False)
    parent_path = models.CharField(max_length=255, blank=True)
    #: {indicator key: [records for, records counted]}
    figures = models.JSONField(default=dict)
    score = models.DecimalField(_("得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    #: Rank among the grids with the same parent (1 = best; ties share a rank); None: no score.
    rank = models.PositiveIntegerField(_("名次"), null=True, blank=True)

    objects = GridScoreQuerySet.as_manager()

    class Meta:
        verbose_name = _("网格得分")
        verbose_name_plural = _("网格得分")
        ordering = ["grid_path"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "grid"], name="assessment_grid_once"),
        ]
        indexes = [
            models.Index(fields=["assessment", "parent_path"], name="assessment_siblings_idx")
        ]

    def __str__(self) -> str:
        return f"{self.grid_id} {self.score}"


class PersonScoreQuerySet(ScopedQuerySet["PersonScore"]):
    scope_path_field = "grid_path"


class PersonScore(models.Model):
    """A staff member's figures and score in one version (their own tasks and the deadlines of
    the grids they held a post on). ``grid`` is their highest post in the county."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="people")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    grid = models.ForeignKey("grids.Grid", on_delete=models.PROTECT, related_name="+")
    grid_path = PathField(_("网格路径"), db_index=True, editable=False)
    role = models.CharField(_("岗位"), max_length=32)
    figures = models.JSONField(default=dict)
    score = models.DecimalField(_("得分"), max_digits=6, decimal_places=2, null=True, blank=True)

    objects = PersonScoreQuerySet.as_manager()

    class Meta:
        verbose_name = _("个人得分")
        verbose_name_plural = _("个人得分")
        ordering = ["grid_path", "user_id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "user"], name="assessment_person_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.score}"


class EvidenceQuerySet(ScopedQuerySet["Evidence"]):
    scope_path_field = "grid_path"


class Evidence(models.Model):
    """One record behind a score: the object an indicator counted, for or against."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="evidence")
    indicator = models.CharField(_("指标"), max_length=40)
    grid_path = PathField(_("网格路径"), db_index=True, editable=False)
    #: Set on a person's evidence (their tasks, the deadlines of their grids); None: a grid's.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    good = models.BooleanField(_("达标"))
    #: A code from the computation's outcomes (e.g. ``met``, ``late``, ``overdue``).
    outcome = models.CharField(_("结果"), max_length=24)
    model = models.CharField(max_length=60, blank=True)
    object_id = models.BigIntegerField(null=True, blank=True)
    text = models.CharField(_("记录"), max_length=300)
    #: A code the computation labels when shown (a deadline's kind), never free text.
    detail = models.CharField(max_length=64, blank=True)
    on = models.DateField(_("日期"), null=True, blank=True)
    url = models.CharField(max_length=300, blank=True)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("考核依据")
        verbose_name_plural = _("考核依据")
        ordering = ["grid_path", "id"]
        indexes = [
            models.Index(
                fields=["assessment", "indicator", "user", "grid_path"],
                name="assessment_evidence_idx",
            )
        ]

    def __str__(self) -> str:
        return self.text


class ChecklistCheckQuerySet(ScopedQuerySet["ChecklistCheck"]):
    scope_path_field = "grid_path"


def _photo_path(instance: ChecklistCheck, filename: str) -> str:
    return f"assessment/{instance.year}/{instance.grid_id}-{instance.item}-{filename}"


class ChecklistCheck(models.Model):
    """An acceptance item of a grid checked by the county for a year, with its date and photo."""

    grid = models.ForeignKey(
        "grids.Grid", on_delete=models.PROTECT, related_name="+", verbose_name=_("网格")
    )
    grid_path = PathField(_("网格路径"), db_index=True, editable=False)
    year = models.PositiveSmallIntegerField(_("考核年度"))
    item = models.CharField(_("验收项目"), max_length=16, choices=CheckItem.choices)
    passed = models.BooleanField(_("达标"))
    checked_on = models.DateField(_("检查日期"))
    note = models.CharField(_("检查情况"), max_length=300, blank=True)
    photo = models.FileField(upload_to=_photo_path, blank=True)
    photo_type = models.CharField(max_length=32, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField(default=timezone.now)

    objects = ChecklistCheckQuerySet.as_manager()

    class Meta:
        verbose_name = _("验收检查")
        verbose_name_plural = _("验收检查")
        ordering = ["grid_path", "item"]
        constraints = [
            models.UniqueConstraint(fields=["grid", "year", "item"], name="assessment_check_once"),
            models.CheckConstraint(
                condition=Q(item__in=CheckItem.values), name="assessment_check_item_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grid_id} {self.year} {self.item}"

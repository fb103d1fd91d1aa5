"""Integrity grading runs and grades (人社部规〔2016〕1号), the major-violation publication
(部令29号) and the migrant-wage blacklist (部令45号) — DOMAIN A5, B2, B3; issue 18.

Every row carries the grid and ``grid_path`` of its employer, so lists are scoped by the grid
subtree like cases (``visible_to``). A run stores the whole rule set it applied (``rules``), and
each grade the facts it read, the rules that fired and links to the evidence, so a grade is
explained and reproducible without the live rule table.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from laborgrid.core.filecrypt import EncryptedFileSystemStorage
from laborgrid.core.paths import PathField
from laborgrid.core.scope import ScopedQuerySet
from laborgrid.ratings.choices import (
    Grade,
    GradeState,
    ListingCondition,
    ListingState,
    NoticeState,
    ObjectionResult,
    PersonRole,
    PublicCategory,
    RuleOp,
    RunState,
)

USER = settings.AUTH_USER_MODEL


class LocalRule(models.Model):
    """A county's own grading rule added to the national ones (DOMAIN A5: configurable local
    rules, e.g. not filing the written review → at most B). Disabled rows stay for the record."""

    key = models.SlugField(_("规则代码"), max_length=40, unique=True)
    label = models.CharField(_("规则"), max_length=200)
    fact = models.CharField(_("依据事实"), max_length=40)
    op = models.CharField(_("条件"), max_length=8, choices=RuleOp.choices)
    value = models.JSONField(_("比较值"))
    cap = models.CharField(_("最高评为"), max_length=1, choices=[("B", "B"), ("C", "C")])
    basis = models.CharField(_("依据"), max_length=300)
    enabled = models.BooleanField(_("启用"), default=True)
    updated_by = models.ForeignKey(
        USER, null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("修改人")
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("本地评价规则")
        ordering = ["key"]

    def __str__(self) -> str:
        return self.label


class RunQuerySet(ScopedQuerySet["GradingRun"]):
    """A county's run is seen by its county staff and by the township staff under it (each sees
    its own employers' grades: ``EmployerGrade.objects.visible_to``)."""

    scope_path_field = "grid_path"

    def visible_to(self, user: Any, capability: str | None = None) -> RunQuerySet:
        from laborgrid.core.paths import path_codes
        from laborgrid.core.scope import get_scope, scope_q

        cap = capability or self.read_capability
        above: set[str] = set()
        for p in get_scope(user).paths(cap):
            codes = path_codes(p)
            above.update("".join(f"{c}/" for c in codes[:i]) for i in range(1, len(codes) + 1))
        return self.filter(scope_q(user, cap, "grid_path") | Q(grid_path__in=above))


class GradingRun(models.Model):
    """One year's grading of the employers under a county grid (once a year, 人社部规〔2016〕1号)."""

    year = models.PositiveSmallIntegerField(_("评价年度"))
    grid = models.ForeignKey(
        "grids.Grid", on_delete=models.PROTECT, related_name="+", verbose_name=_("评价范围")
    )
    grid_path = PathField(_("网格路径"), db_index=True, editable=False)
    state = models.CharField(
        _("状态"), max_length=12, choices=RunState.choices, default=RunState.DRAFT
    )
    rules = models.JSONField(_("适用规则"), default=dict)
    rules_version = models.CharField(_("规则版本"), max_length=80)
    employers = models.PositiveIntegerField(_("参评单位数"), default=0)
    counts = models.JSONField(_("等级分布"), default=dict)
    unknown_facts = models.JSONField(_("未接入的事实"), default=list)
    started_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("发起人")
    )
    started_at = models.DateTimeField(_("评价时间"), default=timezone.now)
    seconds = models.FloatField(_("耗时（秒）"), default=0)
    approved_by = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("审定人"),
    )
    approved_on = models.DateField(_("审定日期"), null=True, blank=True)

    objects = RunQuerySet.as_manager()

    class Meta:
        verbose_name = _("诚信等级评价")
        ordering = ["-year", "grid_path"]
        constraints = [
            models.UniqueConstraint(fields=["year", "grid"], name="ratings_run_year_grid"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.grid_path}"

    def get_absolute_url(self) -> str:
        return reverse("ratings:run_detail", args=[self.pk])


class GradeQuerySet(ScopedQuerySet["EmployerGrade"]):
    scope_path_field = "grid_path"


class EmployerGrade(models.Model):
    """An employer's grade for a year: the draft the rules gave, the grade after review (an
    override needs a reason), the facts and evidence, proposal, approval, notice and objection."""

    run = models.ForeignKey(GradingRun, on_delete=models.CASCADE, related_name="grades")
    year = models.PositiveSmallIntegerField(_("评价年度"))
    employer = models.ForeignKey(
        "employers.Employer",
        on_delete=models.PROTECT,
        related_name="integrity_grades",
        verbose_name=_("用人单位"),
    )
    grid = models.ForeignKey(
        "grids.Grid", on_delete=models.PROTECT, related_name="+", verbose_name=_("所属网格")
    )
    grid_path = PathField(_("网格路径"), db_index=True, editable=False)
    draft_grade = models.CharField(_("初评等级"), max_length=1, choices=Grade.choices)
    grade = models.CharField(_("评价等级"), max_length=1, choices=Grade.choices)
    decisive_rule = models.CharField(_("决定等级的规则"), max_length=40, blank=True)
    hits = models.JSONField(_("命中规则"), default=list)
    facts = models.JSONField(_("评价事实"), default=dict)
    evidence = models.JSONField(_("证据"), default=list)
    state = models.CharField(
        _("状态"), max_length=12, choices=GradeState.choices, default=GradeState.DRAFT
    )
    override_reason = models.CharField(_("调整理由"), max_length=500, blank=True)
    overridden_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    overridden_at = models.DateTimeField(null=True, blank=True)
    proposed_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(null=True, blank=True)
    notified_on = models.DateField(_("告知日期"), null=True, blank=True)
    objection_due = models.DateField(_("异议期限"), null=True, blank=True)
    objection_on = models.DateField(_("提出异议日期"), null=True, blank=True)
    objection_text = models.TextField(_("异议内容"), blank=True)
    objection_result = models.CharField(
        _("异议处理结果"), max_length=12, choices=ObjectionResult.choices, blank=True
    )
    objection_note = models.CharField(_("异议处理说明"), max_length=500, blank=True)
    objects = GradeQuerySet.as_manager()

    class Meta:
        verbose_name = _("诚信等级")
        ordering = ["grid_path", "employer_id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "employer"], name="ratings_grade_once"),
            models.CheckConstraint(
                condition=Q(grade=models.F("draft_grade")) | ~Q(override_reason=""),
                name="ratings_override_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["year", "grade", "grid_path"], name="ratings_grade_year_idx"),
            models.Index(fields=["employer", "year"], name="ratings_grade_employer_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.employer_id} {self.grade}"

    def get_absolute_url(self) -> str:
        return reverse("ratings:grade_detail", args=[self.pk])

    @property
    def overridden(self) -> bool:
        return self.grade != self.draft_grade


class NoticeQuerySet(ScopedQuerySet["ViolationNotice"]):
    scope_path_field = "grid_path"


class ViolationNotice(models.Model):
    """A major violation for social publication (重大劳动保障违法行为社会公布办法, 人社部令第29号):
    flagged when a decision in a published category is final, reviewed, published in the
    quarter's list, withdrawn when the decision is revoked. Holds the published fields as they
    were approved (name, USCC, address, legal representative, facts, handling)."""

    case = models.OneToOneField(
        "cases.Case", on_delete=models.PROTECT, related_name="publication", verbose_name=_("案件")
    )
    employer = models.ForeignKey(
        "employers.Employer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("用人单位"),
    )
    grid = models.ForeignKey("grids.Grid", on_delete=models.PROTECT, related_name="+")
    grid_path = PathField(_("网格路径"), db_index=True, editable=False)
    category = models.CharField(_("公布类别"), max_length=24, choices=PublicCategory.choices)
    state = models.CharField(
        _("状态"), max_length=12, choices=NoticeState.choices, default=NoticeState.CANDIDATE
    )
    name = models.CharField(_("违法主体全称"), max_length=200)
    uscc = models.CharField(_("统一社会信用代码"), max_length=32, blank=True)
    address = models.CharField(_("地址"), max_length=300, blank=True)
    legal_rep = models.CharField(_("法定代表人或负责人"), max_length=60, blank=True)
    facts = models.TextField(_("主要违法事实"))
    handling = models.TextField(_("相关处理情况"))
    final_on = models.DateField(_("决定确定日期"))
    flagged_note = models.CharField(_("列为候选的依据"), max_length=300)
    reviewed_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_on = models.DateField(_("审核日期"), null=True, blank=True)
    review_note = models.CharField(_("审核意见"), max_length=500, blank=True)
    quarter = models.CharField(_("公布批次"), max_length=8, blank=True)
    published_on = models.DateField(_("公布日期"), null=True, blank=True)
    withdrawn_on = models.DateField(_("撤回日期"), null=True, blank=True)
    withdraw_reason = models.CharField(_("撤回理由"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("重大劳动保障违法行为社会公布")
        ordering = ["-final_on", "-id"]
        indexes = [models.Index(fields=["state", "quarter"], name="ratings_notice_state_idx")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("ratings:notice_detail", args=[self.pk])


class ListingQuerySet(ScopedQuerySet["ArrearsListing"]):
    scope_path_field = "grid_path"


class ArrearsListing(models.Model):
    """An employer on (or proposed for) the 拖欠农民工工资失信联合惩戒对象名单 (人社部令第45号):
    proposal when Art. 5 holds, prior notice with a statement period (deadline engine), decision,
    publication, 3 years in force, early removal on application (信用修复), expiry."""

    employer = models.ForeignKey(
        "employers.Employer", on_delete=models.PROTECT, related_name="+", verbose_name=_("用人单位")
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="+", verbose_name=_("案件")
    )
    grid = models.ForeignKey("grids.Grid", on_delete=models.PROTECT, related_name="+")
    grid_path = PathField(_("网格路径"), db_index=True, editable=False)
    state = models.CharField(
        _("状态"), max_length=12, choices=ListingState.choices, default=ListingState.PROPOSED
    )
    condition = models.CharField(_("列入情形"), max_length=20, choices=ListingCondition.choices)
    name = models.CharField(_("单位名称"), max_length=200)
    uscc = models.CharField(_("统一社会信用代码"), max_length=32, blank=True)
    amount_owed = models.DecimalField(_("拖欠金额（元）"), max_digits=12, decimal_places=2)
    workers = models.PositiveIntegerField(_("涉及农民工人数"), default=0)
    facts = models.TextField(_("失信事实"))
    proposed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    proposed_on = models.DateField(_("拟列入日期"))
    notified_on = models.DateField(_("事先告知日期"), null=True, blank=True)
    statement_due = models.DateField(_("陈述申辩期限"), null=True, blank=True)
    statement = models.TextField(_("陈述申辩情况"), blank=True)
    statement_on = models.DateField(_("陈述申辩日期"), null=True, blank=True)
    statement_by = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("陈述申辩提交人"),
    )
    decided_on = models.DateField(_("列入决定日期"), null=True, blank=True)
    decided_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_note = models.CharField(_("决定说明"), max_length=500, blank=True)
    published_on = models.DateField(_("公布日期"), null=True, blank=True)
    expires_on = models.DateField(_("期满日期"), null=True, blank=True)
    removal_applied_on = models.DateField(_("申请提前移出日期"), null=True, blank=True)
    arrears_paid_on = models.DateField(_("欠薪清偿日期"), null=True, blank=True)
    pledge_on = models.DateField(_("信用承诺书日期"), null=True, blank=True)
    removed_on = models.DateField(_("移出日期"), null=True, blank=True)
    removal_note = models.CharField(_("移出说明"), max_length=500, blank=True)
    deadlines = GenericRelation("deadlines.Deadline", related_query_name="arrears_listing")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ListingQuerySet.as_manager()

    class Meta:
        verbose_name = _("拖欠农民工工资失信联合惩戒对象")
        ordering = ["-proposed_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["employer"],
                condition=Q(state__in=["proposed", "notified", "listed", "published"]),
                name="ratings_listing_one_active",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("ratings:listing_detail", args=[self.pk])


#: The employer's statement evidence (payrolls, receipts, ID copies): encrypted at rest
#: (``core.filecrypt``), as the rectification evidence is.
STATEMENT_STORAGE = EncryptedFileSystemStorage("file:ratings.statement")


def statement_storage() -> EncryptedFileSystemStorage:
    return STATEMENT_STORAGE


def _statement_upload(instance: Any, filename: str) -> str:
    return (
        f"ratings/statements/{timezone.localdate():%Y/%m}/"
        f"{instance.listing_id}-{timezone.now():%H%M%S%f}.bin"
    )


class StatementFile(models.Model):
    """Evidence the employer attaches to its statement (陈述申辩) against a prior notice: PDF,
    JPEG or PNG, checked by content like the rectification evidence."""

    listing = models.ForeignKey(
        ArrearsListing, on_delete=models.PROTECT, related_name="statement_files"
    )
    file = models.FileField(_("文件"), upload_to=_statement_upload, storage=statement_storage)
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=60)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("上传人")
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("陈述申辩材料")
        ordering = ["listing", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


class ListedPerson(models.Model):
    """A responsible person listed with the employer (部令45号: 法定代表人或主要负责人、负有直接
    责任的有关人员). The ID number is stored only encrypted, with a blind index and a masked form
    (DOMAIN A6; as the employer roster); the public list shows the masked form."""

    listing = models.ForeignKey(ArrearsListing, on_delete=models.CASCADE, related_name="persons")
    role = models.CharField(_("身份"), max_length=12, choices=PersonRole.choices)
    name = models.CharField(_("姓名"), max_length=60)
    id_enc = models.TextField(editable=False)
    id_index = models.CharField(max_length=64, db_index=True, editable=False)
    id_masked = models.CharField(_("身份证号码"), max_length=40, editable=False)

    class Meta:
        verbose_name = _("失信责任人")
        ordering = ["listing", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def name_masked(self) -> str:
        """The public list shows the surname only (e.g. 张**)."""
        return (self.name[:1] + "*" * max(len(self.name) - 1, 1)) if self.name else ""

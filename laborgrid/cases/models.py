"""Complaints, reports and cases (DOMAIN A4, B1): intake, routing, procedure, deadlines, outcome.

A ``Case`` hangs off the grid that handles it (``grid`` + denormalised ``grid_path``: the squadron
queue and every scoped list is one prefix scan). Its state moves only through
``laborgrid.cases.services.procedure`` and every move leaves a ``CaseTransition`` (who, when, why,
approver). Complainants' identity and phone numbers are personal information (DOMAIN A6): stored
encrypted with a keyed hash and a masked form, exactly as the employer roster does.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from laborgrid.cases import clock
from laborgrid.cases.choices import (
    Action,
    CaseKind,
    CaseState,
    Category,
    Channel,
    ClosureKind,
    DecisionKind,
    DefenceKind,
    Gender,
    PlatformConclusion,
    PreservationDecision,
    RecordKind,
    RedirectKind,
    RefusalGround,
    ServiceMethod,
)
from laborgrid.core.filecrypt import EncryptedFileSystemStorage
from laborgrid.core.paths import PathField
from laborgrid.core.scope import ScopedQuerySet
from laborgrid.grids.choices import LocateMethod

USER = settings.AUTH_USER_MODEL


class InspectorCertificate(models.Model):
    """A 劳动保障监察证 (条例 Art. 4, 16): only holders of a valid one investigate and sign (A1)."""

    user = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        related_name="inspector_certificates",
        verbose_name=_("人员"),
    )
    number = models.CharField(_("执法证号"), max_length=40, unique=True)
    issued_on = models.DateField(_("发证日期"))
    valid_to = models.DateField(_("有效期至"))
    revoked_at = models.DateTimeField(_("注销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("监察执法证")
        verbose_name_plural = _("监察执法证")
        ordering = ["user__username", "-valid_to"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__gte=models.F("issued_on")), name="certificate_valid_range"
            )
        ]

    def __str__(self) -> str:
        return self.number

    def is_valid(self, on: dt.date | None = None) -> bool:
        on = on or clock.today()
        return self.revoked_at is None and self.issued_on <= on <= self.valid_to


class CaseQuerySet(ScopedQuerySet["Case"]):
    scope_path_field = "grid_path"

    def with_list_related(self) -> CaseQuerySet:
        """What a queue row shows, in one query (ARCHITECTURE rule 8)."""
        return self.select_related("grid").defer("grid__boundary", "grid__search_text", "facts")


class Case(models.Model):
    """One complaint (投诉), report (举报), referral or inspection finding, and its procedure."""

    kind = models.CharField(_("类别"), max_length=16, choices=CaseKind.choices)
    channel = models.CharField(_("来源渠道"), max_length=16, choices=Channel.choices)
    platform_ref = models.CharField(
        _("转办平台编号"),
        max_length=64,
        blank=True,
        help_text=_("根治欠薪线索反映平台等的线索编号。"),
    )
    platform_conclusion = models.CharField(
        _("反馈平台的核处结论"), max_length=16, choices=PlatformConclusion.choices, blank=True
    )
    state = models.CharField(
        _("状态"), max_length=20, choices=CaseState.choices, default=CaseState.RECEIVED
    )
    # Where it is handled.
    grid = models.ForeignKey(
        "grids.Grid", on_delete=models.PROTECT, related_name="+", verbose_name=_("承办网格")
    )
    grid_path = PathField(_("网格路径"), db_index=True, editable=False)
    route_method = models.CharField(
        _("分派方式"), max_length=16, choices=[*LocateMethod.choices, ("employer", _("按用人单位"))]
    )
    route_note = models.CharField(_("分派说明"), max_length=200, blank=True)
    # The employer complained about.
    employer = models.ForeignKey(
        "employers.Employer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("用人单位（名录）"),
    )
    employer_name = models.CharField(_("用人单位名称"), max_length=200)
    employer_code = models.CharField(_("统一社会信用代码"), max_length=32, blank=True)
    employer_address = models.CharField(_("用人单位地址"), max_length=200, blank=True)
    employer_contact = models.CharField(_("法定代表人或负责人"), max_length=60, blank=True)
    work_address = models.CharField(_("工作地点"), max_length=200, blank=True)
    work_lat = models.FloatField(_("工作地点纬度"), null=True, blank=True)
    work_lng = models.FloatField(_("工作地点经度"), null=True, blank=True)
    # What happened.
    category = models.CharField(_("违法事项"), max_length=24, choices=Category.choices)
    facts = models.TextField(_("事实与理由"))
    request = models.TextField(_("投诉请求"), blank=True)
    amount_owed = models.DecimalField(
        _("欠薪金额（元）"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    months_owed = models.PositiveSmallIntegerField(
        _("欠薪月数"), null=True, blank=True, validators=[MaxValueValidator(600)]
    )
    workers_affected = models.PositiveIntegerField(_("涉及劳动者人数"), default=1)
    violation_start = models.DateField(_("违法行为开始日期"), null=True, blank=True)
    violation_end = models.DateField(_("违法行为结束日期"), null=True, blank=True)
    is_continuing = models.BooleanField(_("违法行为仍在持续"), default=False)
    anonymous = models.BooleanField(_("匿名举报"), default=False)
    # Intake.
    received_on = models.DateField(_("收到日期"))
    received_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    registered_by = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("登记人"),
    )
    tracking_code = models.CharField(_("查询码"), max_length=16, unique=True, null=True, blank=True)
    submission_key = models.UUIDField(unique=True, null=True, blank=True, editable=False)
    # Procedure dates.
    accepted_on = models.DateField(_("受理日期"), null=True, blank=True)
    filed_on = models.DateField(_("立案日期"), null=True, blank=True)
    investigation_completed_on = models.DateField(_("调查终结日期"), null=True, blank=True)
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    served_on = models.DateField(_("送达日期"), null=True, blank=True)
    service_method = models.CharField(
        _("送达方式"), max_length=16, choices=ServiceMethod.choices, blank=True
    )
    service_proof = models.CharField(_("送达凭证"), max_length=200, blank=True)
    defence = models.CharField(
        _("陈述申辩和听证"), max_length=20, choices=DefenceKind.choices, blank=True
    )
    defence_on = models.DateField(_("陈述申辩或听证日期"), null=True, blank=True)
    defence_outcome = models.TextField(_("陈述申辩或听证意见及采纳情况"), blank=True)
    hearing_on = models.DateField(_("听证举行日期"), null=True, blank=True)
    demand_served_on = models.DateField(_("催告书送达日期"), null=True, blank=True)
    findings = models.TextField(_("查明的违法事实"), blank=True)
    # A key of ``laborgrid.cases.violations.VIOLATIONS`` (no DB choices: rows are added freely).
    violation = models.CharField(_("违法行为"), max_length=40, blank=True)
    closed_on = models.DateField(_("结案日期"), null=True, blank=True)
    archived_on = models.DateField(_("归档日期"), null=True, blank=True)
    extended = models.BooleanField(_("已延长调查期限"), default=False)
    suspended_since = models.DateField(_("中止日期"), null=True, blank=True)
    refusal_ground = models.CharField(
        _("不予受理理由"), max_length=20, choices=RefusalGround.choices, blank=True
    )
    redirect_kind = models.CharField(
        _("告知途径"), max_length=20, choices=RedirectKind.choices, blank=True
    )
    decision_kind = models.CharField(
        _("决定类型"), max_length=20, choices=DecisionKind.choices, blank=True
    )
    decision_summary = models.TextField(_("决定内容"), blank=True)
    decision_signed_by = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("签发监察员"),
    )
    closure_kind = models.CharField(
        _("结案方式"), max_length=16, choices=ClosureKind.choices, blank=True
    )
    # 承办人: the two certified inspectors who handle the case (条例 Art. 16), named by
    # ``services.assign_handlers`` (a recorded, audited step). They see the complainant's identity.
    handler_1 = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("承办人一"),
    )
    handler_2 = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("承办人二"),
    )
    handlers_assigned_on = models.DateField(_("指定承办人日期"), null=True, blank=True)
    # Outcome (issue §7).
    amount_recovered = models.DecimalField(
        _("追回金额（元）"),
        max_digits=12,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    workers_helped = models.PositiveIntegerField(_("维权劳动者人数"), default=0)
    penalty_amount = models.DecimalField(
        _("罚款金额（元）"),
        max_digits=12,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    rectification_due = models.DateField(_("整改期限"), null=True, blank=True)
    rectification_checked_on = models.DateField(_("整改复查日期"), null=True, blank=True)
    rectification_note = models.TextField(_("整改情况"), blank=True)
    public_result = models.TextField(
        _("告知投诉人的处理结果"), blank=True, help_text=_("投诉人凭查询码可见，勿填写人员姓名。")
    )
    complainant_notified_at = models.DateTimeField(_("告知投诉人时间"), null=True, blank=True)
    # Supervision.
    escalated = models.BooleanField(_("挂牌督办"), default=False)
    escalated_at = models.DateTimeField(_("督办时间"), null=True, blank=True)
    #: The calendar warning as data, not text: "provisional:2027" (dates 暂定) or
    #: "missing:2027,2028" (no date), written by ``services.deadlines.refresh_warning`` and read
    #: in the reader's language through ``calendar_warning_text``.
    calendar_warning = models.CharField(_("日历提示"), max_length=200, blank=True)
    # The deadlines of B1.10, kept by the deadline engine (one table for every object's deadlines).
    deadlines = GenericRelation("deadlines.Deadline", related_query_name="case")
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_cases",
        verbose_name=_("并入案件"),
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("案件")
        verbose_name_plural = _("案件")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=CaseState.values), name="case_state_valid"
            ),
            models.CheckConstraint(condition=Q(kind__in=CaseKind.values), name="case_kind_valid"),
            models.CheckConstraint(
                condition=~Q(kind=CaseKind.COMPLAINT) | Q(anonymous=False),
                name="case_complaint_not_anonymous",
            ),
            models.CheckConstraint(
                condition=Q(violation_end__isnull=True)
                | Q(violation_start__isnull=True)
                | Q(violation_end__gte=models.F("violation_start")),
                name="case_violation_range",
            ),
            models.CheckConstraint(
                condition=~Q(state=CaseState.MERGED) | Q(merged_into__isnull=False),
                name="case_merged_has_target",
            ),
            models.CheckConstraint(
                condition=Q(handler_1__isnull=True)
                | Q(handler_2__isnull=True)
                | ~Q(handler_1=models.F("handler_2")),
                name="case_two_distinct_handlers",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "grid_path"], name="case_state_path_idx"),
            models.Index(fields=["employer", "received_on"], name="case_employer_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.employer_name}"

    def get_absolute_url(self) -> str:
        return reverse("cases:case_detail", args=[self.pk])

    @property
    def calendar_warning_text(self) -> str:
        from laborgrid.cases.services.deadlines import warning_text

        return warning_text(self.calendar_warning)

    @property
    def handler_ids(self) -> set[int]:
        return {pk for pk in (self.handler_1_id, self.handler_2_id) if pk}

    @property
    def reference(self) -> str:
        """The case number shown to staff: year of receipt and id (案件编号)."""
        return f"{self.received_on:%Y}-{self.pk or 0:06d}"


class Complainant(models.Model):
    """A complainant, one of ≤ 5 representatives of a group (若干规定), or a named reporter."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="complainants")
    name = models.CharField(_("姓名"), max_length=60)
    gender = models.CharField(_("性别"), max_length=8, choices=Gender.choices, blank=True)
    id_enc = models.TextField(blank=True, editable=False)
    id_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    id_masked = models.CharField(_("身份证号码"), max_length=40, blank=True, editable=False)
    phone_enc = models.TextField(blank=True, editable=False)
    phone_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone_masked = models.CharField(_("联系电话"), max_length=20, blank=True, editable=False)
    address = models.CharField(_("联系地址"), max_length=200, blank=True)
    is_representative = models.BooleanField(_("代表人"), default=False)
    workers_represented = models.PositiveIntegerField(_("代表劳动者人数"), default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("投诉人")
        verbose_name_plural = _("投诉人")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    @property
    def name_masked(self) -> str:
        """The name as staff who may not see identities read it (条例 Art. 9 para. 3): the first
        character kept, the rest starred (张三 → 张*)."""
        name = self.name.strip()
        return f"{name[:1]}{'*' * max(1, len(name) - 1)}" if name else ""


class CaseTransition(models.Model):
    """One step of the procedure: from, to, action, who, when, why, approver (issue §4)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="transitions")
    action = models.CharField(_("操作"), max_length=24, choices=Action.choices)
    from_state = models.CharField(_("原状态"), max_length=20, choices=CaseState.choices, blank=True)
    to_state = models.CharField(_("新状态"), max_length=20, choices=CaseState.choices)
    actor = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("操作人"),
    )
    approver = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("批准人"),
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)
    reason = models.TextField(_("理由"), blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("案件流转记录")
        verbose_name_plural = _("案件流转记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action}"


#: Evidence files and issued documents are personal data: encrypted at rest (``core.filecrypt``).
EVIDENCE_STORAGE = EncryptedFileSystemStorage("file:cases.evidence")
DOCUMENT_STORAGE = EncryptedFileSystemStorage("file:cases.document")


def evidence_storage() -> EncryptedFileSystemStorage:
    return EVIDENCE_STORAGE


def document_storage() -> EncryptedFileSystemStorage:
    return DOCUMENT_STORAGE


def _record_upload(instance: Any, filename: str) -> str:
    return f"cases/{clock.today():%Y/%m}/{instance.case_id}-{timezone.now():%H%M%S%f}.bin"


class CaseRecord(models.Model):
    """An investigation act or its record: tasks, inquiry notices, interview and on-site records,
    evidence files (条例 Art. 15–16; 行政处罚法 Art. 47, 55). Interview, on-site and written-inquiry
    records name two certified inspectors."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="records")
    kind = models.CharField(_("类型"), max_length=20, choices=RecordKind.choices)
    title = models.CharField(_("标题"), max_length=200)
    content = models.TextField(_("内容"), blank=True)
    occurred_on = models.DateField(_("日期"), default=timezone.localdate)
    due_on = models.DateField(_("期限"), null=True, blank=True)
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    inspector_1 = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("监察员一"),
    )
    inspector_2 = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("监察员二"),
    )
    file = models.FileField(
        _("文件"), upload_to=_record_upload, storage=evidence_storage, blank=True
    )
    file_name = models.CharField(_("文件名"), max_length=200, blank=True)
    file_type = models.CharField(max_length=60, blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True)
    from_public = models.BooleanField(_("投诉人提交"), default=False)
    # 先行登记保存 (行政处罚法 Art. 56): approved by the head of the inspection body; the decision
    # on the evidence is due within 7 working days (D7, a deadline of this record).
    approver = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("批准人"),
    )
    preservation_decision = models.CharField(
        _("处理决定"), max_length=16, choices=PreservationDecision.choices, blank=True
    )
    preservation_decided_on = models.DateField(_("处理决定日期"), null=True, blank=True)
    preservation_note = models.TextField(_("处理决定说明"), blank=True)
    deadlines = GenericRelation("deadlines.Deadline", related_query_name="case_record")
    created_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("调查记录")
        verbose_name_plural = _("调查记录")
        ordering = ["occurred_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(inspector_1__isnull=True)
                | Q(inspector_2__isnull=True)
                | ~Q(inspector_1=models.F("inspector_2")),
                name="record_two_distinct_inspectors",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("cases:case_detail", args=[self.case_id]) + f"#record-{self.pk}"

    @property
    def awaits_decision(self) -> bool:
        """Evidence registered and preserved whose decision is not yet recorded (D7)."""
        return self.kind == RecordKind.PRESERVATION and not self.preservation_decision


def _document_upload(instance: Any, filename: str) -> str:
    return f"cases/documents/{clock.today():%Y}/{instance.case_id}-{timezone.now():%H%M%S%f}.pdf"


class CaseDocument(models.Model):
    """A document (文书) issued on the case (B1.11), numbered by ``documents.allocate_number``."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="documents")
    doc_type = models.CharField(_("文书类型"), max_length=48)
    title = models.CharField(_("文书名称"), max_length=100)
    number = models.CharField(_("文号"), max_length=64, unique=True)
    file = models.FileField(_("PDF"), upload_to=_document_upload, storage=document_storage)
    issued_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("签发人")
    )
    issued_at = models.DateTimeField(_("签发时间"), default=timezone.now)
    served_on = models.DateField(_("送达日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("案件文书")
        verbose_name_plural = _("案件文书")
        ordering = ["issued_at", "id"]

    def __str__(self) -> str:
        return self.number


class IntakeCount(models.Model):
    """How often one IP address or telephone number used the public intake in one time window
    (the flood limits of ``services.limits``). Counted in the database, one atomic statement a
    hit, so that parallel requests served by different processes cannot both pass the limit;
    a row of a past window is deleted when a new window's first row is written."""

    key = models.CharField(max_length=120, unique=True)  # scope, hashed IP or phone, window
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("公开受理计数")
        verbose_name_plural = _("公开受理计数")

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"

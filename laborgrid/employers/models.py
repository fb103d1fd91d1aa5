"""The employer registry (用人单位劳动用工信息数据库): employers, labour-use snapshots, worker rosters.

DOMAIN A1–A3, A6. Every employer belongs to one grid (``grid`` + denormalised ``grid_path`` so a
subtree is one indexed prefix scan) and is never deleted: it ends deregistered, revoked, moved out
or merged into another record. Its labour-use facts are dated snapshots (动态管理); the latest one
that is not withdrawn is "current" and its indicators are copied onto the employer row so that the
list filters (no contracts, arrears, below minimum wage, uninsured, stale) are plain column tests.
Employer and worker rows keep a full change history (django-simple-history): who, when, before and
after, and the record "as of" any past date.

Every write goes through ``laborgrid.employers.services``; nothing here writes other rows.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from laborgrid.core.indexes import CoveringIndex
from laborgrid.core.paths import PathField
from laborgrid.core.scope import ScopedQuerySet
from laborgrid.core.search import SearchTextField, with_search_fields
from laborgrid.employers.choices import (
    CollectionMethod,
    ContractTerm,
    EmployerStatus,
    EmployerType,
    EmploymentForm,
    Gender,
    HoursSystem,
    IdKind,
    Industry,
    PayMethod,
    RegisterSource,
)
from laborgrid.grids.choices import LocateMethod

#: Base data are refreshed at least every 6 months (DOMAIN A3, 2009 pilot notice).
STALE_AFTER_DAYS = 183

#: The version of the collection standard (DOMAIN A3) the snapshot fields implement.
COLLECTION_STANDARD = "LG-A3-2026.1"


class EmployerQuerySet(ScopedQuerySet["Employer"]):
    scope_path_field = "grid_path"

    def current(self) -> EmployerQuerySet:
        """Records that are not merged into another one (what lists and searches show)."""
        return self.filter(merged_into__isnull=True)

    def with_list_related(self) -> EmployerQuerySet:
        """What a list row shows, in one query (ARCHITECTURE rule 8)."""
        return self.select_related("grid").only(
            "id",
            "uscc",
            "org_code",
            "reg_number",
            "name",
            "employer_type",
            "industry",
            "status",
            "address",
            "legal_rep",
            "employees",
            "last_collected_on",
            "flag_no_contracts",
            "flag_arrears",
            "flag_below_min_wage",
            "flag_uninsured",
            "merged_into_id",
            "grid_path",
            "grid__id",
            "grid__code",
            "grid__name",
            "grid__level",
            "grid__path",
        )


def split_names(text: str) -> list[str]:
    """Former names as stored (one per line) → a list without blanks."""
    return [n.strip() for n in text.splitlines() if n.strip()]


#: The employer's indexed fields that its history table does not index.
HISTORY_UNINDEXED = [
    "uscc",
    "org_code",
    "reg_number",
    "name",
    "industry",
    "status",
    "grid_path",
    "grid",
    "created_by",
    "updated_by",
    "merged_into",
]


class Employer(models.Model):
    """One employer (用人单位) with its identity, place in the grid and current labour-use facts."""

    # --- identity (DOMAIN A2) ---------------------------------------------------------------
    # Unique (``employer_uscc_unique`` in Meta.constraints). The codes are looked up by value
    # and by prefix on one index each (Meta): on PostgreSQL its ``varchar_pattern_ops`` serve
    # both, where Django's default would be two indexes (issue 22: each costs every import a
    # write per row). NULL where an employer has none: unique among those that have one.
    uscc = models.CharField(  # noqa: DJ001
        _("统一社会信用代码"), max_length=18, null=True, blank=True
    )
    org_code = models.CharField(_("组织机构代码"), max_length=9, blank=True)
    reg_number = models.CharField(_("工商注册号"), max_length=15, blank=True)
    name = models.CharField(_("单位名称"), max_length=200, db_index=True)
    #: The name reduced for duplicate detection (normalised: full-width folded, case, spaces and
    #: punctuation removed); "same normalised name in the same county" is a duplicate.
    name_key = models.CharField(max_length=200, db_index=True, editable=False)
    #: The name key without the county prefix and the legal or trade suffix
    #: (:func:`laborgrid.employers.names.name_core`): the same core in the same county is a
    #: probable duplicate (register imports send such rows to a person).
    name_core = models.CharField(max_length=200, db_index=True, editable=False, default="")
    former_names = models.TextField(_("曾用名"), blank=True, help_text=_("每行一个"))
    employer_type = models.CharField(_("单位类型"), max_length=32, choices=EmployerType.choices)
    industry = models.CharField(_("行业门类"), max_length=1, choices=Industry.choices, blank=True)
    legal_rep = models.CharField(_("法定代表人（负责人）"), max_length=60, blank=True)
    contact_person = models.CharField(_("联系人"), max_length=60, blank=True)
    # The contact's phone is personal information (DOMAIN A6): encrypted, masked on screen.
    contact_phone_enc = models.TextField(blank=True, editable=False)
    contact_phone_masked = models.CharField(
        _("联系电话"), max_length=20, blank=True, editable=False
    )
    address = models.CharField(_("地址"), max_length=300, blank=True)
    lat = models.FloatField(
        _("纬度"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    lng = models.FloatField(
        _("经度"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    established_on = models.DateField(_("成立日期"), null=True, blank=True)
    registered_capital = models.DecimalField(
        _("注册资本（万元）"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    business_scope = models.TextField(_("经营范围"), blank=True)
    status = models.CharField(
        _("经营状态"),
        max_length=16,
        choices=EmployerStatus.choices,
        default=EmployerStatus.OPERATING,
    )

    # --- grid (网格定位) --------------------------------------------------------------------
    # No index on the grid's id: employers are read by subtree (``grid_path``), never by grid
    # id (a grid is deactivated, not deleted: PROTECT's check may scan).
    grid = models.ForeignKey(
        "grids.Grid",
        on_delete=models.PROTECT,
        related_name="employers",
        verbose_name=_("所属网格"),
        db_index=False,
    )
    # Not indexed on its own: ``(grid_path, id)`` and the subtree list's covering index serve
    # every query by subtree (issue 22: an index no query uses costs every import a write).
    grid_path = PathField(_("网格路径"), editable=False)
    grid_method = models.CharField(
        _("网格归属方式"), max_length=16, choices=LocateMethod.choices, default=LocateMethod.MANUAL
    )
    grid_note = models.CharField(_("归属说明"), max_length=200, blank=True)

    # --- current labour-use facts (copied from the current snapshot) ------------------------
    current_snapshot = models.ForeignKey(
        "employers.LabourSnapshot",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        db_index=False,  # read from the employer, never looked up by snapshot
    )
    employees = models.PositiveIntegerField(_("职工人数"), default=0, editable=False)
    last_collected_on = models.DateField(_("最近采集日期"), null=True, blank=True, editable=False)
    flag_no_contracts = models.BooleanField(_("未签劳动合同"), default=False, editable=False)
    flag_arrears = models.BooleanField(_("拖欠工资"), default=False, editable=False)
    flag_below_min_wage = models.BooleanField(_("低于最低工资"), default=False, editable=False)
    flag_uninsured = models.BooleanField(_("未参加社会保险"), default=False, editable=False)

    # --- bookkeeping -------------------------------------------------------------------------
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
        verbose_name=_("已并入"),
        editable=False,
        # Indexed only where set (see Meta.indexes): nearly every row is NULL, and a full index
        # on it lures SQLite into reading every current employer through it for a list page.
        db_index=False,
    )
    #: Optimistic locking: an edit names the version it was made on; a stale one is refused.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # Who created and last changed the record: shown on it, never searched by (no index), and
    # no constraint in the database (issue 22): PostgreSQL checked both at the commit of every
    # employer a register import wrote, two of the three checks per new employer. Accounts
    # are deactivated, never deleted by the application; Django's SET_NULL still applies.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        db_index=False,
        db_constraint=False,
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        db_index=False,
        db_constraint=False,
    )
    # Names, former names, address and legal representative in the character index of
    # laborgrid.core.search (codes are matched by prefix on their own indexes instead).
    search_text = SearchTextField(sources=("name", "former_names", "address", "legal_rep"))

    history = HistoricalRecords(
        excluded_fields=["search_text", "name_key", "name_core", "updated_at", "current_snapshot"],
        cascade_delete_history=False,
        # History is read by employer and date only: the copies of the employer's own indexes
        # cost every write (an import writes a history row per employer) and serve no query.
        no_db_index=HISTORY_UNINDEXED,
    )

    objects = EmployerQuerySet.as_manager()

    class Meta:
        verbose_name = _("用人单位")
        verbose_name_plural = _("用人单位")
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["grid_path", "id"], name="employer_grid_id"),
            # A subtree's list (a township, a village) read from the index alone: every column
            # the list filters or sorts on (``filters.paginate`` reads the page's ids through it
            # and then fetches those rows). Not partial: on SQLite a partial index on "not
            # merged" would be chosen for every "current" query, searches included, whose
            # scans it turns into row-by-row lookups.
            CoveringIndex(
                fields=["grid_path"],
                opclasses=["varchar_pattern_ops"],
                covering=[
                    "name",
                    "id",
                    "employees",
                    "employer_type",
                    "industry",
                    "status",
                    "last_collected_on",
                    "flag_no_contracts",
                    "flag_arrears",
                    "flag_below_min_wage",
                    "flag_uninsured",
                    "merged_into",
                ],
                name="employer_subtree_list",
            ),
            models.Index(
                fields=["org_code"], opclasses=["varchar_pattern_ops"], name="employer_org_code"
            ),
            models.Index(
                fields=["reg_number"], opclasses=["varchar_pattern_ops"], name="employer_reg_number"
            ),
            models.Index(fields=["employees", "id"], name="employer_employees_id"),
            models.Index(fields=["last_collected_on"], name="employer_last_collected"),
            models.Index(
                fields=["merged_into"],
                condition=Q(merged_into__isnull=False),
                name="employer_merged_into",
            ),
            # The employers naming a snapshot, when one is deleted or (SQLite, deferred foreign
            # keys) written after the employers naming it: without an index each is a scan of
            # the table. Only where set: an imported employer has none and writes nothing here.
            models.Index(
                fields=["current_snapshot"],
                condition=Q(current_snapshot__isnull=False),
                name="employer_current_snapshot",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["uscc"], opclasses=["varchar_pattern_ops"], name="employer_uscc_unique"
            ),
            models.CheckConstraint(
                condition=Q(employer_type__in=EmployerType.values), name="employer_type_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=EmployerStatus.values), name="employer_status_valid"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="employer_name_not_empty"),
            models.CheckConstraint(
                condition=~Q(merged_into=F("id")), name="employer_not_merged_into_itself"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Writes go through :mod:`laborgrid.employers.bulk`; a plain ``save()`` (admin, data
        fixes in a shell) still gets the derived columns from the same function."""
        from laborgrid.employers.bulk import set_derived

        set_derived(self)
        if kwargs.get("update_fields") is not None:
            fields = with_search_fields(Employer, kwargs["update_fields"]) or []
            if "name" in fields:
                fields.extend(f for f in ("name_key", "name_core") if f not in fields)
            kwargs["update_fields"] = fields
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("employers:employer_detail", args=[self.pk])

    @property
    def former_name_list(self) -> list[str]:
        return split_names(self.former_names)

    @property
    def primary_code(self) -> str:
        return self.uscc or self.reg_number or self.org_code or ""

    def is_stale(self, today: date | None = None) -> bool:
        from django.utils import timezone

        if self.last_collected_on is None:
            return True
        return ((today or timezone.localdate()) - self.last_collected_on).days > STALE_AFTER_DAYS

    @property
    def risk_flags(self) -> list[str]:
        from laborgrid.employers.choices import RiskFlag

        flags: list[str] = []
        if self.flag_no_contracts:
            flags.append(RiskFlag.NO_CONTRACTS)
        if self.flag_arrears:
            flags.append(RiskFlag.ARREARS)
        if self.flag_below_min_wage:
            flags.append(RiskFlag.BELOW_MIN_WAGE)
        if self.flag_uninsured:
            flags.append(RiskFlag.UNINSURED)
        return flags


class EmployerSource(models.Model):
    """An employer as listed in one department's register (or found in the field): 底数清."""

    #: Looked up through ``employer_source_unique`` (employer, source): no index of its own.
    employer = models.ForeignKey(
        Employer, on_delete=models.CASCADE, related_name="sources", db_index=False
    )
    source = models.CharField(_("来源"), max_length=16, choices=RegisterSource.choices)
    reference = models.CharField(_("登记编号"), max_length=64, blank=True)
    #: The register's status word, as a lifecycle value (coverage compares it with the field's).
    registered_status = models.CharField(
        _("登记状态"), max_length=32, blank=True, choices=EmployerStatus.choices
    )
    first_seen_on = models.DateField(_("首次出现"))
    last_seen_on = models.DateField(_("最近出现"))
    #: A digest of the register's fields as the last import read them for this listing (and of
    #: the batch's field policy): a row with the same digest changes nothing, and a re-import
    #: of an unchanged file reads instead of comparing and writing (issue 22). Empty: unknown.
    fingerprint = models.CharField(max_length=32, blank=True, default="", editable=False)

    class Meta:
        verbose_name = _("登记来源")
        verbose_name_plural = _("登记来源")
        constraints = [
            models.UniqueConstraint(fields=["employer", "source"], name="employer_source_unique"),
            models.CheckConstraint(
                condition=Q(source__in=RegisterSource.values), name="employer_source_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employer_id}:{self.source}"


class SearchQueueQuerySet(ScopedQuerySet["SearchQueue"]):
    scope_path_field = "grid_path"


class SearchQueue(models.Model):
    """An employer whose character search text is still to be indexed (issue 22).

    Bulk writes (a register import) leave the search text to the indexer
    (:mod:`laborgrid.employers.indexing`), which works through this queue in large batches, as
    Zulip indexes its messages: writing a million employers does not wait for their index.
    Until then codes and the exact name find the employer; the list and search pages say how
    many are still waiting. One row per employer (queued twice is queued once)."""

    #: No constraint in the database (issue 22): a bulk write queues each employer it writes,
    #: and PostgreSQL checks a constraint row by row at the commit, locking the employer it
    #: finds. Only the write path queues, with employers it has just written; deleting an
    #: employer still takes it out of the queue (``on_delete``), and the indexer skips and drops
    #: an entry whose employer is gone.
    employer = models.OneToOneField(
        Employer, primary_key=True, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    #: The employer's grid path when queued: what a user's count of waiting employers reads.
    grid_path = PathField(editable=False)

    objects = SearchQueueQuerySet.as_manager()

    class Meta:
        verbose_name = _("待建搜索索引")
        verbose_name_plural = _("待建搜索索引")
        # Counted by subtree (a prefix of the path): one index serves it on both databases.
        indexes = [
            models.Index(
                fields=["grid_path"], opclasses=["varchar_pattern_ops"], name="search_queue_path"
            )
        ]

    def __str__(self) -> str:
        return str(self.employer_id)


class SnapshotQuerySet(models.QuerySet["LabourSnapshot"]):
    def valid(self) -> SnapshotQuerySet:
        return self.filter(withdrawn_at__isnull=True)


class LabourSnapshot(models.Model):
    """The labour-use facts of one employer on one date, to the collection standard (DOMAIN A3).

    Snapshots are never edited: a correction is a new snapshot, a wrong one is withdrawn with a
    reason. Counts are checked against each other (contracts, insured and sub-groups ≤ employees)
    by named database constraints as well as by the service.
    """

    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="snapshots")
    collected_on = models.DateField(_("采集日期"))
    collector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("采集人"),
    )
    collector_name = models.CharField(_("采集人姓名"), max_length=60, blank=True)
    method = models.CharField(_("采集方式"), max_length=16, choices=CollectionMethod.choices)
    source = models.CharField(_("数据来源"), max_length=100, blank=True)
    standard = models.CharField(_("采集标准版本"), max_length=20, default=COLLECTION_STANDARD)

    employees = models.PositiveIntegerField(_("职工总数"))
    migrant_workers = models.PositiveIntegerField(_("其中农民工"), null=True, blank=True)
    women = models.PositiveIntegerField(_("其中女职工"), null=True, blank=True)
    juveniles = models.PositiveIntegerField(_("其中未成年工"), null=True, blank=True)
    dispatched = models.PositiveIntegerField(_("其中劳务派遣"), null=True, blank=True)
    contracts_signed = models.PositiveIntegerField(_("已签劳动合同人数"))
    roster_kept = models.BooleanField(_("建立职工名册"), null=True, blank=True)

    insured_pension = models.PositiveIntegerField(_("参加养老保险人数"), null=True, blank=True)
    insured_medical = models.PositiveIntegerField(_("参加医疗保险人数"), null=True, blank=True)
    insured_unemployment = models.PositiveIntegerField(_("参加失业保险人数"), null=True, blank=True)
    insured_injury = models.PositiveIntegerField(_("参加工伤保险人数"), null=True, blank=True)
    insured_maternity = models.PositiveIntegerField(_("参加生育保险人数"), null=True, blank=True)

    pay_day = models.PositiveSmallIntegerField(
        _("工资发放日"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
    )
    pay_method = models.CharField(
        _("工资支付方式"), max_length=8, choices=PayMethod.choices, blank=True
    )
    lowest_monthly_wage = models.DecimalField(
        _("最低月工资（元）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    #: The minimum wage that applied on ``collected_on`` where the employer is (stored: the
    #: table may change later, the finding must not).
    minimum_wage = models.DecimalField(
        _("适用最低工资标准（元）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    arrears = models.BooleanField(_("存在欠薪"), default=False)
    arrears_amount = models.DecimalField(
        _("欠薪金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    arrears_workers = models.PositiveIntegerField(_("涉及人数"), null=True, blank=True)
    arrears_months = models.PositiveSmallIntegerField(_("欠薪月数"), null=True, blank=True)

    hours_system = models.CharField(
        _("工时制度"), max_length=16, choices=HoursSystem.choices, blank=True
    )
    hours_approval_no = models.CharField(_("特殊工时审批文号"), max_length=60, blank=True)
    rules_filed = models.BooleanField(_("劳动规章制度已备案"), null=True, blank=True)

    is_construction = models.BooleanField(_("工程建设项目"), default=False)
    real_name_register = models.BooleanField(_("实名制管理"), null=True, blank=True)
    wage_account = models.BooleanField(_("农民工工资专用账户"), null=True, blank=True)
    wage_deposit = models.BooleanField(_("工资保证金"), null=True, blank=True)
    rights_board = models.BooleanField(_("维权信息告示牌"), null=True, blank=True)

    gps_lat = models.FloatField(_("采集位置纬度"), null=True, blank=True)
    gps_lng = models.FloatField(_("采集位置经度"), null=True, blank=True)
    gps_accuracy = models.FloatField(_("定位精度（米）"), null=True, blank=True)
    note = models.TextField(_("备注"), blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdraw_reason = models.CharField(_("撤回理由"), max_length=200, blank=True)

    objects = SnapshotQuerySet.as_manager()

    class Meta:
        verbose_name = _("劳动用工信息")
        verbose_name_plural = _("劳动用工信息")
        ordering = ["-collected_on", "-id"]
        indexes = [models.Index(fields=["employer", "collected_on"], name="snapshot_emp_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(contracts_signed__lte=F("employees")),
                name="snapshot_contracts_le_employees",
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{f}__isnull": True}) | Q(**{f"{f}__lte": F("employees")}),
                    name=f"snapshot_{f}_le_employees",
                )
                for f in (
                    "migrant_workers",
                    "women",
                    "juveniles",
                    "dispatched",
                    "insured_pension",
                    "insured_medical",
                    "insured_unemployment",
                    "insured_injury",
                    "insured_maternity",
                )
            ),
            models.CheckConstraint(
                condition=Q(pay_day__isnull=True) | Q(pay_day__gte=1, pay_day__lte=31),
                name="snapshot_pay_day_range",
            ),
            models.CheckConstraint(
                condition=Q(lowest_monthly_wage__isnull=True) | Q(lowest_monthly_wage__gte=0),
                name="snapshot_wage_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(arrears_amount__isnull=True) | Q(arrears_amount__gte=0),
                name="snapshot_arrears_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employer_id}@{self.collected_on}"

    # --- derived indicators (one place: the list flags are copied from these) -------------------

    @property
    def contract_rate(self) -> float | None:
        """劳动合同签订率."""
        return self.contracts_signed / self.employees if self.employees else None

    def insurance_rates(self) -> dict[str, float | None]:
        """Coverage per kind of social insurance (None where not collected)."""
        result: dict[str, float | None] = {}
        for kind in INSURANCE_KINDS:
            n = getattr(self, f"insured_{kind}")
            result[kind] = (n / self.employees) if (n is not None and self.employees) else None
        return result

    @property
    def below_minimum_wage(self) -> bool:
        return (
            self.lowest_monthly_wage is not None
            and self.minimum_wage is not None
            and self.lowest_monthly_wage < self.minimum_wage
        )

    @property
    def has_no_contracts(self) -> bool:
        """Some employees have no written contract (劳动合同法 Art. 10, 82)."""
        return self.employees > 0 and self.contracts_signed < self.employees

    @property
    def uninsured(self) -> bool:
        """Collected insurance figures leave some employees out of a statutory insurance."""
        if not self.employees:
            return False
        return any(
            (n := getattr(self, f"insured_{kind}")) is not None and n < self.employees
            for kind in ("pension", "medical", "injury")
        )


#: The five social insurances (社会保险法): pension, medical, unemployment, work injury, maternity.
INSURANCE_KINDS = ("pension", "medical", "unemployment", "injury", "maternity")


class WorkerQuerySet(models.QuerySet["Worker"]):
    def current(self) -> WorkerQuerySet:
        return self.filter(left_on__isnull=True)


class Worker(models.Model):
    """One line of an employer's 职工名册 (劳动合同法实施条例 Art. 8).

    The statutory fields: name, gender, identity number, household and current address, contact,
    form of employment, start of employment, term of the labour contract. The identity number and
    the phone are personal information (DOMAIN A6): stored only encrypted (``*_enc``, key id in the
    token), with a keyed hash for exact lookup across employers (``id_index``) and a masked form for
    display. Revealing the full number goes through ``laborgrid.core.pii.reveal``.
    """

    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="workers")
    name = models.CharField(_("姓名"), max_length=60)
    gender = models.CharField(_("性别"), max_length=8, choices=Gender.choices, blank=True)
    id_kind = models.CharField(
        _("证件类型"), max_length=24, choices=IdKind.choices, default=IdKind.RIC
    )
    id_enc = models.TextField(editable=False)
    id_index = models.CharField(max_length=64, db_index=True, editable=False)
    id_masked = models.CharField(_("证件号码"), max_length=40, editable=False)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True, editable=False)
    phone_enc = models.TextField(blank=True, editable=False)
    phone_masked = models.CharField(_("联系电话"), max_length=20, blank=True, editable=False)
    hukou_address = models.CharField(_("户籍地址"), max_length=200, blank=True)
    current_address = models.CharField(_("现住址"), max_length=200, blank=True)
    employment_form = models.CharField(
        _("用工形式"),
        max_length=16,
        choices=EmploymentForm.choices,
        default=EmploymentForm.FULL_TIME,
    )
    is_migrant = models.BooleanField(_("农民工"), default=False)
    started_on = models.DateField(_("用工起始日期"))
    contract_term = models.CharField(
        _("劳动合同期限"), max_length=16, choices=ContractTerm.choices, default=ContractTerm.FIXED
    )
    contract_end = models.DateField(_("合同终止日期"), null=True, blank=True)
    left_on = models.DateField(_("离职日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"], cascade_delete_history=False)

    objects = WorkerQuerySet.as_manager()

    class Meta:
        verbose_name = _("职工")
        verbose_name_plural = _("职工名册")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["employer", "id_index"],
                condition=Q(left_on__isnull=True),
                name="worker_current_once_per_employer",
            ),
            models.CheckConstraint(
                condition=Q(contract_end__isnull=True) | Q(contract_end__gte=F("started_on")),
                name="worker_contract_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("started_on")),
                name="worker_left_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class EmployerMerge(models.Model):
    """A merge of ``source`` into ``target``, with what moved, so that it can be undone exactly."""

    source = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="merges_out")
    target = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="merges_in")
    reason = models.CharField(_("理由"), max_length=200)
    #: {model label: [ids]} of the rows moved from source to target.
    moved = models.JSONField(default=dict)
    #: {field: value} copied from source into blank fields of target (codes move, names add up).
    filled = models.JSONField(default=dict)
    merged_at = models.DateTimeField(auto_now_add=True)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reverted_at = models.DateTimeField(null=True, blank=True)
    reverted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("合并记录")
        verbose_name_plural = _("合并记录")
        ordering = ["-merged_at"]

    def __str__(self) -> str:
        return f"{self.source_id}→{self.target_id}"


class MinimumWage(models.Model):
    """最低工资标准 for a grid's subtree from a date (configurable; DOMAIN A3).

    The standard that applies to an employer on a date is the row of the deepest grid above (or
    at) the employer's grid with the latest ``effective_from`` not after that date.
    """

    area = models.ForeignKey(
        "grids.Grid", on_delete=models.PROTECT, related_name="+", verbose_name=_("适用区域")
    )
    area_path = PathField(_("区域路径"), db_index=True, editable=False)
    tier = models.CharField(_("档次"), max_length=20, blank=True)
    monthly = models.DecimalField(
        _("月最低工资（元）"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("1"))],
    )
    hourly = models.DecimalField(
        _("小时最低工资（元）"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    effective_from = models.DateField(_("执行日期"))
    document = models.CharField(_("文件依据"), max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("最低工资标准")
        verbose_name_plural = _("最低工资标准")
        ordering = ["area_path", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "effective_from"], name="minimum_wage_area_date_unique"
            ),
            models.CheckConstraint(condition=Q(monthly__gt=0), name="minimum_wage_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.area_id} {self.effective_from} {self.monthly}"

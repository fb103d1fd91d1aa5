"""Employer and labour-use vocabularies (DOMAIN A2, A3); statuses are TextChoices, never bare strings."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class EmployerType(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业")
    INDIVIDUAL = "individual", _("个体工商户")
    COOPERATIVE = "cooperative", _("农民专业合作社")
    SOCIAL_ORG = "social_org", _("社会团体")
    PRIVATE_NON_ENTERPRISE = "private_non_enterprise", _("民办非企业单位（民办学校）")
    PUBLIC_INSTITUTION = "public_institution", _("事业单位")
    STATE_ORGAN = "state_organ", _("机关")
    OTHER = "other", _("其他")


class Industry(models.TextChoices):
    """GB/T 4754-2017 国民经济行业分类, sections (门类)."""

    A = "A", _("农、林、牧、渔业")
    B = "B", _("采矿业")
    C = "C", _("制造业")
    D = "D", _("电力、热力、燃气及水生产和供应业")
    E = "E", _("建筑业")
    F = "F", _("批发和零售业")
    G = "G", _("交通运输、仓储和邮政业")
    H = "H", _("住宿和餐饮业")
    I = "I", _("信息传输、软件和信息技术服务业")  # noqa: E741 - the standard's letter
    J = "J", _("金融业")
    K = "K", _("房地产业")
    L = "L", _("租赁和商务服务业")
    M = "M", _("科学研究和技术服务业")
    N = "N", _("水利、环境和公共设施管理业")
    O = "O", _("居民服务、修理和其他服务业")  # noqa: E741
    P = "P", _("教育")
    Q = "Q", _("卫生和社会工作")
    R = "R", _("文化、体育和娱乐业")
    S = "S", _("公共管理、社会保障和社会组织")
    T = "T", _("国际组织")


class EmployerStatus(models.TextChoices):
    """Lifecycle. An employer is never deleted: it ends deregistered, revoked or moved out."""

    OPERATING = "operating", _("在营")
    SUSPENDED = "suspended", _("停业")
    DEREGISTERED = "deregistered", _("注销")
    REVOKED = "revoked", _("吊销")
    MOVED_OUT = "moved_out", _("迁出")


class RegisterSource(models.TextChoices):
    """Which department's register lists the employer (issue 4 imports them); ``field`` = found by grid staff."""

    SCJG = "scjg", _("市场监管（工商）")
    MZ = "mz", _("民政")
    JY = "jy", _("教育")
    ZJ = "zj", _("质监（组织机构代码）")
    FIELD = "field", _("网格采集")
    MANUAL = "manual", _("人工录入")


class CollectionMethod(models.TextChoices):
    FIELD_VISIT = "field_visit", _("实地采集")
    WRITTEN_REVIEW = "written_review", _("书面审查")
    INSPECTION = "inspection", _("检查")
    IMPORT = "import", _("导入")
    OFFICE = "office", _("内业录入")


class PayMethod(models.TextChoices):
    BANK = "bank", _("银行代发")
    CASH = "cash", _("现金")
    MIXED = "mixed", _("银行与现金")


class HoursSystem(models.TextChoices):
    STANDARD = "standard", _("标准工时制")
    COMPREHENSIVE = "comprehensive", _("综合计算工时制")
    FLEXIBLE = "flexible", _("不定时工作制")


class Gender(models.TextChoices):
    MALE = "male", _("男")
    FEMALE = "female", _("女")


class IdKind(models.TextChoices):
    RIC = "ric", _("居民身份证")
    PASSPORT = "passport", _("护照")
    PERMANENT_RESIDENCE = "permanent_residence", _("外国人永久居留身份证")
    OTHER = "other", _("其他证件")


class EmploymentForm(models.TextChoices):
    """用工形式 (劳动合同法实施条例 Art. 8)."""

    FULL_TIME = "full_time", _("全日制")
    PART_TIME = "part_time", _("非全日制")
    DISPATCHED = "dispatched", _("劳务派遣")
    OTHER = "other", _("其他")


class ContractTerm(models.TextChoices):
    """劳动合同期限."""

    FIXED = "fixed", _("固定期限")
    OPEN_ENDED = "open_ended", _("无固定期限")
    TASK = "task", _("以完成一定工作任务为期限")
    NONE = "none", _("未签订")


class RiskFlag(models.TextChoices):
    """Problems derived from the current labour-use facts (list filters, archive, later cases)."""

    NO_CONTRACTS = "no_contracts", _("未签劳动合同")
    ARREARS = "arrears", _("拖欠工资")
    BELOW_MIN_WAGE = "below_min_wage", _("低于最低工资")
    UNINSURED = "uninsured", _("未参加社会保险")
    STALE = "stale", _("超过6个月未采集")
    NEVER_COLLECTED = "never_collected", _("从未采集")

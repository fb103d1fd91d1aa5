"""Case vocabulary and the allowed transitions of the procedure (DOMAIN A4, B1, B9).

The transition table ``TRANSITIONS`` is the one statement of which action may move a case from
which state to which: ``laborgrid.cases.services.procedure`` refuses anything else, the case page
shows buttons only for what it allows, and the API answers 409 for the rest.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseKind(models.TextChoices):
    """举报 vs 投诉 (条例 Art. 9, B1.3), plus the other ways a case starts (条例 Art. 14, B1.2)."""

    COMPLAINT = "complaint", _("投诉")
    REPORT = "report", _("举报")
    REFERRAL = "referral", _("转办线索")
    INSPECTION = "inspection", _("检查发现")


class Channel(models.TextChoices):
    WEB = "web", _("网上投诉举报")
    PHONE = "phone", _("12333 电话")
    WALK_IN = "walk_in", _("来访")
    LETTER = "letter", _("来信")
    PLATFORM = "platform", _("根治欠薪线索反映平台")
    OTHER_REFERRAL = "referral", _("其他部门转办")
    INSPECTION = "inspection", _("日常巡视或专项检查")


class CaseState(models.TextChoices):
    """B9 case states. Extension is a flag on an investigating case, not a state of its own."""

    RECEIVED = "received", _("待受理")
    NEEDS_CORRECTION = "needs_correction", _("待补正")
    REJECTED = "rejected", _("不予受理")
    REDIRECTED = "redirected", _("已告知其他途径")
    ACCEPTED = "accepted", _("已受理待立案")
    INVESTIGATING = "investigating", _("立案调查中")
    SUSPENDED = "suspended", _("中止调查")
    DECISION_PENDING = "decision_pending", _("调查终结待决定")
    PENALTY_NOTICE = "penalty_notice", _("处罚事先告知")
    DECIDED = "decided", _("已作出决定")
    SERVED = "served", _("已送达待履行")
    ENFORCEMENT = "enforcement", _("申请强制执行")
    CLOSED = "closed", _("已结案")
    ARCHIVED = "archived", _("已归档")
    MERGED = "merged", _("已并案")


#: States in which the case is still being worked (boards, routing, duplicates).
OPEN_STATES = frozenset(
    {
        CaseState.RECEIVED,
        CaseState.NEEDS_CORRECTION,
        CaseState.ACCEPTED,
        CaseState.INVESTIGATING,
        CaseState.SUSPENDED,
        CaseState.DECISION_PENDING,
        CaseState.PENALTY_NOTICE,
        CaseState.DECIDED,
        CaseState.SERVED,
        CaseState.ENFORCEMENT,
    }
)
#: States in which the two handling inspectors (承办人) are named or changed.
ASSIGNABLE_STATES = frozenset(
    {
        CaseState.ACCEPTED,
        CaseState.INVESTIGATING,
        CaseState.SUSPENDED,
        CaseState.DECISION_PENDING,
        CaseState.PENALTY_NOTICE,
        CaseState.DECIDED,
        CaseState.SERVED,
        CaseState.ENFORCEMENT,
    }
)
#: States before filing, where a case may still be merged into another.
PRE_FILING_STATES = frozenset({CaseState.RECEIVED, CaseState.NEEDS_CORRECTION, CaseState.ACCEPTED})


class Action(models.TextChoices):
    REGISTER = "register", _("登记")
    ACCEPT = "accept", _("受理")
    REFUSE = "refuse", _("不予受理")
    REQUEST_CORRECTION = "request_correction", _("通知补正")
    RECEIVE_CORRECTION = "receive_correction", _("收到补正材料")
    REDIRECT = "redirect", _("告知其他途径")
    FILE = "file", _("立案")
    EXTEND = "extend", _("延长调查期限")
    SUSPEND = "suspend", _("中止调查")
    RESUME = "resume", _("恢复调查")
    COMPLETE_INVESTIGATION = "complete_investigation", _("调查终结")
    NOTIFY_PENALTY = "notify_penalty", _("处罚事先告知")
    RECORD_DEFENCE = "record_defence", _("记录陈述申辩或听证")
    DECIDE = "decide", _("作出决定")
    WITHDRAW = "withdraw", _("撤销立案")
    TRANSFER = "transfer", _("移送")
    SERVE = "serve", _("送达")
    DEMAND = "demand", _("送达催告书")
    ENFORCE = "enforce", _("申请强制执行")
    CLOSE = "close", _("结案")
    ARCHIVE = "archive", _("归档")
    MERGE = "merge", _("并案")
    REROUTE = "reroute", _("改派网格")
    ESCALATE = "escalate", _("挂牌督办")
    ASSIGN = "assign", _("指定承办人")
    LINK_EMPLOYER = "link_employer", _("关联名录单位")


S = CaseState
#: action → (states it may start from, state it leads to; None = stays where it is).
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    Action.ACCEPT: (frozenset({S.RECEIVED}), S.ACCEPTED),
    Action.REFUSE: (frozenset({S.RECEIVED, S.NEEDS_CORRECTION}), S.REJECTED),
    Action.REQUEST_CORRECTION: (frozenset({S.RECEIVED}), S.NEEDS_CORRECTION),
    Action.RECEIVE_CORRECTION: (frozenset({S.NEEDS_CORRECTION}), S.RECEIVED),
    Action.REDIRECT: (frozenset({S.RECEIVED, S.NEEDS_CORRECTION}), S.REDIRECTED),
    Action.FILE: (frozenset({S.ACCEPTED}), S.INVESTIGATING),
    Action.EXTEND: (frozenset({S.INVESTIGATING}), None),
    Action.SUSPEND: (frozenset({S.INVESTIGATING}), S.SUSPENDED),
    Action.RESUME: (frozenset({S.SUSPENDED}), S.INVESTIGATING),
    Action.COMPLETE_INVESTIGATION: (frozenset({S.INVESTIGATING}), S.DECISION_PENDING),
    Action.NOTIFY_PENALTY: (frozenset({S.DECISION_PENDING}), S.PENALTY_NOTICE),
    Action.RECORD_DEFENCE: (frozenset({S.PENALTY_NOTICE}), None),
    Action.DECIDE: (frozenset({S.DECISION_PENDING, S.PENALTY_NOTICE}), S.DECIDED),
    Action.WITHDRAW: (frozenset({S.DECISION_PENDING}), S.CLOSED),
    Action.TRANSFER: (frozenset({S.INVESTIGATING, S.DECISION_PENDING}), S.CLOSED),
    Action.SERVE: (frozenset({S.DECIDED}), S.SERVED),
    Action.DEMAND: (frozenset({S.SERVED}), None),
    Action.ENFORCE: (frozenset({S.SERVED}), S.ENFORCEMENT),
    Action.CLOSE: (frozenset({S.SERVED, S.ENFORCEMENT}), S.CLOSED),
    Action.ARCHIVE: (frozenset({S.CLOSED, S.REJECTED, S.REDIRECTED}), S.ARCHIVED),
    Action.MERGE: (PRE_FILING_STATES, S.MERGED),
    Action.REROUTE: (OPEN_STATES, None),
    # 承办人: two certified inspectors take the case in hand from acceptance (条例 Art. 16).
    Action.ASSIGN: (ASSIGNABLE_STATES, None),
    # The registry link may be set or corrected at any time (the archive timeline reads it).
    Action.LINK_EMPLOYER: (frozenset(CaseState.values) - {S.MERGED}, None),
}
#: Actions that need an approver other than the actor and a reason (条例 Art. 17; B1.5).
NEEDS_APPROVER = frozenset({Action.EXTEND, Action.SUSPEND})
#: Actions that need a reason in writing.
NEEDS_REASON = frozenset(
    {
        Action.REFUSE,
        Action.REQUEST_CORRECTION,
        Action.REDIRECT,
        Action.EXTEND,
        Action.SUSPEND,
        Action.RESUME,
        Action.WITHDRAW,
        Action.TRANSFER,
        Action.MERGE,
        Action.REROUTE,
    }
)
#: Actions only a certified inspector (劳动保障监察员) may take (B1.5, B1.6, A1).
NEEDS_CERTIFIED = frozenset(
    {
        Action.COMPLETE_INVESTIGATION,
        Action.NOTIFY_PENALTY,
        Action.RECORD_DEFENCE,
        Action.DECIDE,
        Action.WITHDRAW,
        Action.DEMAND,
        Action.ENFORCE,
    }
)


class ServiceMethod(models.TextChoices):
    """How a document was served (行政处罚法 Art. 61, which refers to 民事诉讼法 for service):
    direct, lodged on refusal (留置), by post, by public notice (公告), or electronically (fax or
    e-mail only with the party's consent, Art. 61 para. 2)."""

    DIRECT = "direct", _("直接送达")
    LODGED = "lodged", _("留置送达")
    POST = "post", _("邮寄送达")
    PUBLIC_NOTICE = "public_notice", _("公告送达")
    ELECTRONIC = "electronic", _("电子送达")


class DefenceKind(models.TextChoices):
    """What the party did after the prior notice of a penalty (行政处罚法 Art. 44–45, 62–65)."""

    WAIVED = "waived", _("当事人书面放弃陈述申辩和听证")
    STATEMENT = "statement", _("当事人已陈述申辩")
    HEARING_REQUESTED = "hearing_requested", _("当事人已申请听证")
    HEARING = "hearing", _("已举行听证")


class DecisionKind(models.TextChoices):
    """The three outcomes of 条例 Art. 18 (B1.6); withdrawal and transfer end the case instead."""

    CORRECTION_ORDER = "correction_order", _("责令（限期）改正")
    HANDLING_DECISION = "handling_decision", _("行政处理决定")
    PENALTY = "penalty", _("行政处罚决定")


class ClosureKind(models.TextChoices):
    PERFORMED = "performed", _("已履行")
    ENFORCED = "enforced", _("申请法院强制执行")
    WITHDRAWN = "withdrawn", _("撤销立案")
    TRANSFERRED = "transferred", _("移送其他部门或司法机关")
    NOT_PERFORMED = "not_performed", _("未履行（已依法处理）")


class RedirectKind(models.TextChoices):
    """Where a matter that is not for inspection goes (条例 Art. 21 para. 2; B1.3)."""

    ARBITRATION = "arbitration", _("劳动争议仲裁")
    LITIGATION = "litigation", _("已进入仲裁或诉讼程序")
    OTHER_DEPARTMENT = "other_department", _("其他部门管辖")
    OTHER_JURISDICTION = "other_jurisdiction", _("其他地区人社部门管辖")


class RefusalGround(models.TextChoices):
    """Non-acceptance grounds (若干规定 Art. 18; 浙江 Art. 22, 青岛 Art. 27)."""

    LIMITATION = "limitation", _("违法行为已超过两年")
    NO_EMPLOYER = "no_employer", _("补正后仍无明确的用人单位")
    OUT_OF_SCOPE = "out_of_scope", _("不属于劳动保障监察职责范围")
    ALREADY_HANDLED = "already_handled", _("已在处理中")
    OTHER = "other", _("其他")


class Category(models.TextChoices):
    """The subject areas of 条例 Art. 11 (B1.1), plus labour dispatch (劳动合同法 Art. 74)."""

    RULES = "rules", _("内部劳动保障规章制度")
    CONTRACT = "contract", _("订立劳动合同")
    CHILD_LABOUR = "child_labour", _("禁止使用童工")
    SPECIAL_PROTECTION = "special_protection", _("女职工和未成年工特殊劳动保护")
    HOURS = "hours", _("工作时间和休息休假")
    WAGES = "wages", _("支付工资和执行最低工资标准")
    SOCIAL_INSURANCE = "social_insurance", _("参加社会保险和缴纳社会保险费")
    AGENCIES = "agencies", _("职业介绍、技能培训和职业技能考核鉴定")
    DISPATCH = "dispatch", _("劳务派遣")
    OTHER = "other", _("法律法规规定的其他事项")


class PlatformConclusion(models.TextChoices):
    """The conclusion returned to a referral platform (B5.5: a fixed list; the national list of
    10 categories was not found, so these are laborgrid's, configurable later)."""

    RESOLVED = "resolved", _("已解决，工资已支付")
    PARTLY = "partly", _("部分解决")
    NO_VIOLATION = "no_violation", _("经核查不存在欠薪")
    DISPUTE = "dispute", _("属劳动争议，已引导仲裁")
    UNREACHABLE = "unreachable", _("无法联系投诉人")
    NO_EMPLOYER = "no_employer", _("用人单位无法查找")
    TRANSFERRED = "transferred", _("已移送公安机关")
    DUPLICATE = "duplicate", _("重复线索，已并案")
    OUTSIDE = "outside", _("不属于本地管辖，已转办")
    ONGOING = "ongoing", _("正在处理中")


class DeadlineKind(models.TextChoices):
    """The deadlines of B1.10 the procedure computes (the D-number is in the label's rule)."""

    ACCEPTANCE = "acceptance", _("受理期限")  # D1: 5 working days
    CORRECTION = "correction", _("补正期限")  # D20: 15 working days
    INVESTIGATION = "investigation", _("调查期限")  # D3/D4: 60 (+30) working days
    DECISION = "decision", _("作出决定期限")  # D5: 15 working days
    PENALTY_CAP = "penalty_cap", _("立案后 90 日")  # D10: 90 calendar days (flag)
    HEARING_REQUEST = "hearing_request", _("听证申请期限")  # D8: 5 working days
    SERVICE = "service", _("送达期限")  # D6: 7 working days
    NOTIFY_COMPLAINANT = "notify_complainant", _("告知投诉人延期或中止")  # D17: 3 days
    FINE_PAYMENT = "fine_payment", _("罚款缴纳期限")  # D11: 15 days
    FILING = "filing", _("立案期限")  # D2: the day of acceptance
    ENFORCEMENT_APPLICATION = "enforcement_application", _("申请法院强制执行期限")  # D15: 3 months
    EVIDENCE_DECISION = "evidence_decision", _("先行登记保存证据处理决定期限")  # D7: 7 working days


class DayType(models.TextChoices):
    WORKING = "working", _("工作日")
    CALENDAR = "calendar", _("自然日")


class RecordKind(models.TextChoices):
    """Investigation acts and their records (条例 Art. 15; 行政处罚法 Art. 55; B1.5, B1.11)."""

    TASK = "task", _("调查任务")
    INQUIRY_NOTICE = "inquiry_notice", _("询问通知书")
    WRITTEN_INQUIRY = "written_inquiry", _("调查询问书")
    INTERVIEW = "interview", _("询问笔录")
    SITE_INSPECTION = "site_inspection", _("现场检查笔录")
    EVIDENCE = "evidence", _("证据材料")
    PRESERVATION = "preservation", _("先行登记保存证据")
    NOTE = "note", _("工作记录")


#: Records that are investigation acts: at least two certified inspectors (条例 Art. 16).
TWO_INSPECTOR_RECORDS = frozenset(
    {
        RecordKind.INTERVIEW,
        RecordKind.SITE_INSPECTION,
        RecordKind.WRITTEN_INQUIRY,
        RecordKind.PRESERVATION,
    }
)
#: Records that are the investigation's evidence of the facts (调查终结 needs one of these).
INVESTIGATION_RECORDS = frozenset(
    {RecordKind.INTERVIEW, RecordKind.SITE_INSPECTION, RecordKind.WRITTEN_INQUIRY}
)


class PreservationDecision(models.TextChoices):
    """The decision on evidence registered and preserved (先行登记保存), due within 7 working
    days (行政处罚法 Art. 56, 85; D7)."""

    RELEASE = "release", _("解除先行登记保存，退还当事人")
    COPY_RELEASE = "copy_release", _("复制、拍照或录像取证后退还当事人")
    TRANSFER = "transfer", _("依法移送有关机关处理")


class Gender(models.TextChoices):
    MALE = "male", _("男")
    FEMALE = "female", _("女")

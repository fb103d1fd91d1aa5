"""The grading rules (企业劳动保障守法诚信等级评价办法, 人社部规〔2016〕1号; DOMAIN A5, B2) as data,
and the pure engine that applies them to one employer's facts for a year.

A rule reads one *fact* (a number, a flag or the written-review outcome), compares it with a value
and, when it holds, caps the grade (B: 基本守法诚信, C: 不诚信). The grade is the lowest cap hit; no
rule hit is A. The national rules are fixed below, each with the reading laborgrid takes where the
national text (not seen in full, DOMAIN B10 item 5) leaves a point open; a county adds its own
rules (``LocalRule`` rows, e.g. "did not file the written review → at most B"). A run stores the
whole rule set it used (:func:`snapshot`), so a year is explained and rerun with the same rules.

A fact whose value is unknown (``None``: no provider registered, e.g. the written review before
that app exists) makes the rules that read it *not evaluated*: they do not fire, and the
explanation says so. No database here: ``manage.py grade_explain`` and the tests use it directly.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from django.utils.translation import gettext_noop

NATIONAL_VERSION = "人社部规〔2016〕1号·2026.1"
BASIS = "《企业劳动保障守法诚信等级评价办法》（人社部规〔2016〕1号）"

#: Grades from best to worst; a cap is the worst grade a rule allows.
GRADES = ("A", "B", "C")
OPS = (">=", ">", "==", "!=", "in", "is_true")

#: The facts a rule may read: name → (kind, label, default when a provider answers nothing for an
#: employer). ``None`` as default: the fact has no neutral value (unknown unless provided).
FACTS: dict[str, tuple[str, str, Any]] = {
    "violations_found": ("int", gettext_noop("当年因劳动保障违法行为被查处次数"), 0),
    "serious_violation": ("bool", gettext_noop("因使用童工、强迫劳动等严重违法行为被查处"), False),
    "orders_not_complied": ("int", gettext_noop("拒不履行限期整改指令、行政处理或处罚决定次数"), 0),
    "mass_incidents": ("int", gettext_noop("因劳动保障违法行为引发群体性事件次数"), 0),
    "extreme_incident": ("bool", gettext_noop("引发极端事件"), False),
    "inspection_refusals": ("int", gettext_noop("无理抗拒、阻挠劳动保障监察次数"), 0),
    "written_review": ("str", gettext_noop("书面审查结果"), None),
}
WRITTEN_REVIEW_VALUES = ("passed", "failed", "returned", "submitted", "not_filed")
#: How a written-review result reads on the pages (and may be typed in a local rule).
WRITTEN_REVIEW_LABELS = {
    "passed": gettext_noop("合格"),
    "failed": gettext_noop("不合格"),
    "returned": gettext_noop("退回补正"),
    "submitted": gettext_noop("已报送待审"),
    "not_filed": gettext_noop("未报送"),
}


def value_label(value: object) -> str:
    """A fact value or rule value as the pages show it (never a code)."""
    from django.utils.translation import gettext as _

    if value is None:
        return _("未接入")
    if value is True:
        return _("是")
    if value is False:
        return _("否")
    if isinstance(value, list | tuple):
        return "、".join(value_label(v) for v in value)
    label = WRITTEN_REVIEW_LABELS.get(str(value))
    return _(label) if label else str(value)


@dataclass(frozen=True)
class Rule:
    key: str
    label: str
    fact: str
    op: str
    value: Any
    cap: str  # "B" or "C"
    basis: str
    reading: str = ""  # how laborgrid reads an open point of the text
    local: bool = False

    def holds(self, facts: Mapping[str, Any]) -> bool | None:
        """True/False, or None when the fact is unknown (the rule is not evaluated)."""
        v = facts.get(self.fact)
        if v is None:
            return None
        if self.op == ">=":
            return bool(v >= self.value)
        if self.op == ">":
            return bool(v > self.value)
        if self.op == "==":
            return bool(v == self.value)
        if self.op == "!=":
            return bool(v != self.value)
        if self.op == "in":
            return v in self.value
        if self.op == "is_true":
            return bool(v)
        raise ValueError(f"unknown operator {self.op!r}")


NATIONAL_RULES: tuple[Rule, ...] = (
    Rule(
        "found_once",
        "因劳动保障违法行为被查处（不属于C级情形）",
        "violations_found",
        ">=",
        1,
        "B",
        BASIS + "B级标准",
        "“被查处”按当年作出行政处理决定或行政处罚决定（含责令改正决定）的案件计，以决定日期计入年度。",
    ),
    Rule(
        "found_three_times",
        "因劳动保障违法行为被查处三次以上（含三次）",
        "violations_found",
        ">=",
        3,
        "C",
        BASIS + "C级情形",
        "国家文本未见全文；按各地实施办法的一致文字，“三次以上”在一个评价年度内计算。",
    ),
    Rule(
        "mass_or_extreme_incident",
        "因劳动保障违法行为引发群体性事件、极端事件",
        "mass_incidents",
        ">=",
        1,
        "C",
        BASIS + "C级情形",
        "以群体性事件模块登记、关联到该单位且发生在评价年度内的事件计；“严重不良社会影响”无法由记录判定，"
        "需要时由复核人员调整等级并写明理由。",
    ),
    Rule(
        "extreme_incident",
        gettext_noop("引发极端事件"),
        "extreme_incident",
        "is_true",
        True,
        "C",
        BASIS + "C级情形",
        "事件记录中有极端行为（如跳楼、自残等）即计入。",
    ),
    Rule(
        "serious_violation",
        "因使用童工、强迫劳动等严重劳动保障违法行为被查处",
        "serious_violation",
        "is_true",
        True,
        "C",
        BASIS + "C级情形",
        "以查明违法行为为“使用童工”的已决定案件计；强迫劳动目前没有单独的违法事项，由复核人员调整。",
    ),
    Rule(
        "orders_not_complied",
        "拒不履行劳动保障监察限期整改指令、行政处理决定或者行政处罚决定",
        "orders_not_complied",
        ">=",
        1,
        "C",
        BASIS + "C级情形",
        "以复查未改正（含因此立案）的责令改正指令书，以及以“未履行”或申请法院强制执行结案的案件计。",
    ),
    Rule(
        "obstructed_inspection",
        "无理抗拒、阻挠人力资源社会保障行政部门实施劳动保障监察",
        "inspection_refusals",
        ">=",
        1,
        "C",
        BASIS + "C级情形",
        "以检查结果为“拒绝、阻挠检查”并经监察员确认的检查记录计。",
    ),
)

#: Points of the national text that are open, and the reading used (shown on the rules page).
READINGS: tuple[tuple[str, str], ...] = (
    (
        "评价期间",
        "每年开展一次，依据上一年度的信用记录：某年度的评价读取该自然年（1月1日至12月31日）的记录。",
    ),
    (
        "被追究刑事责任",
        "是否为国家C级情形未能核实（DOMAIN B10 第5项），不列入国家规则；县局可作为本地规则增加。",
    ),
    (
        "结果异议",
        "国家文本未规定异议程序；本系统在告知后设异议期（默认15个工作日，可配置），异议由县局复核。",
    ),
    (
        "书面审查",
        "“未参加年度书面审查”不是国家标准，是本地规则（如钦州、乌鲁木齐）；书面审查结果未接入时该规则不评价。",
    ),
)


@dataclass
class Outcome:
    grade: str
    hits: list[str] = field(default_factory=list)  # rule keys that fired
    decisive: str = ""  # the rule that set the grade ("" for A)
    not_evaluated: list[str] = field(default_factory=list)  # rules whose fact is unknown


def rule_from_dict(data: Mapping[str, Any]) -> Rule:
    known = {f for f in Rule.__dataclass_fields__}
    rule = Rule(**{k: v for k, v in data.items() if k in known})
    validate_rule(rule)
    return rule


def validate_rule(rule: Rule) -> None:
    if rule.fact not in FACTS:
        raise ValueError(f"unknown fact {rule.fact!r}")
    if rule.op not in OPS:
        raise ValueError(f"unknown operator {rule.op!r}")
    if rule.cap not in ("B", "C"):
        raise ValueError(f"a rule caps the grade at B or C, not {rule.cap!r}")
    kind = FACTS[rule.fact][0]
    if rule.op == "in" and not isinstance(rule.value, list | tuple):
        raise ValueError("operator 'in' needs a list of values")
    if kind == "int" and rule.op in (">=", ">") and not isinstance(rule.value, int):
        raise ValueError(f"fact {rule.fact!r} is a number")


def evaluate(facts: Mapping[str, Any], rules: Iterable[Rule]) -> Outcome:
    """The grade for ``facts`` under ``rules``: the worst cap of the rules that hold."""
    out = Outcome("A")
    worst = 0
    for rule in rules:
        held = rule.holds(facts)
        if held is None:
            out.not_evaluated.append(rule.key)
            continue
        if held:
            out.hits.append(rule.key)
            rank = GRADES.index(rule.cap)
            if rank > worst:
                worst, out.decisive = rank, rule.key
    out.grade = GRADES[worst]
    return out


def snapshot(rules: Iterable[Rule], version: str = NATIONAL_VERSION) -> dict[str, Any]:
    """The rule set as stored with a run: version, rules, and a digest of both."""
    items = [asdict(r) for r in rules]
    body = json.dumps(items, ensure_ascii=False, sort_keys=True)
    digest = hashlib.sha256(body.encode()).hexdigest()[:12]
    return {"version": f"{version}+{digest}", "rules": items}


def rules_of(snap: Mapping[str, Any]) -> list[Rule]:
    return [rule_from_dict(r) for r in snap["rules"]]


def complete(facts: Mapping[str, Any]) -> dict[str, Any]:
    """``facts`` with every known fact present (defaults for those not given; unknown stays None)."""
    return {name: facts.get(name, default) for name, (_k, _l, default) in FACTS.items()}

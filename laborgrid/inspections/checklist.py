"""The on-site checklist (现场检查项目): the 条例 Art. 11 subject areas and the 农民工工资支付条例
Art. 39 items (DOMAIN B1.1, B1.2). A campaign picks its template from this catalogue and may add
items of its own; patrols use :data:`DEFAULT_KEYS`. Findings are stored per item key, so a failed
item can become an item of a rectification order and the campaign's result table counts by item.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

#: key → (label, 条例 Art. 11 area / basis). Keys are stable codes (stored with findings).
CATALOGUE: dict[str, tuple[Promise, str]] = {
    "contracts": (_("劳动合同订立"), "《劳动合同法》第十条、第八十二条"),
    "wages": (_("工资支付及拖欠"), "《劳动保障监察条例》第二十六条"),
    "minimum_wage": (_("最低工资标准执行"), "《最低工资规定》第十二条"),
    "hours": (_("工作时间和休息休假"), "《劳动法》第三十六条、第四十一条"),
    "insurance": (_("参加社会保险"), "《社会保险法》第五十八条、第六十条"),
    "child_labour": (_("禁止使用童工"), "《禁止使用童工规定》第二条"),
    "special_protection": (
        _("女职工和未成年工特殊劳动保护"),
        "《女职工劳动保护特别规定》；《未成年工特殊保护规定》",
    ),
    "roster": (_("职工名册"), "《劳动合同法》第七条"),
    "rules": (_("内部劳动保障规章制度"), "《劳动保障监察条例》第十一条第（一）项"),
    "dispatch": (_("劳务派遣用工"), "《劳动合同法》第七十四条"),
    "real_name": (_("农民工实名制管理"), "《保障农民工工资支付条例》第二十八条"),
    "wage_account": (_("农民工工资专用账户"), "《保障农民工工资支付条例》第二十六条"),
    "wage_deposit": (_("工资保证金"), "《保障农民工工资支付条例》第三十二条"),
    "agent_payment": (_("总承包单位代发工资"), "《保障农民工工资支付条例》第三十一条"),
    "rights_board": (_("维权信息公示牌"), "《保障农民工工资支付条例》第三十四条"),
}

#: Which violations of the legal-basis table (``cases.violations.VIOLATIONS``) a failed item of
#: the catalogue may be ordered corrected as; the first is proposed on the order form, the others
#: offered first (the form offers the whole table, for campaigns' own items too).
VIOLATIONS_OF: dict[str, tuple[str, ...]] = {
    "contracts": ("no_written_contract",),
    "wages": ("wage_arrears",),
    "minimum_wage": ("below_minimum_wage",),
    "hours": ("excess_overtime",),
    "insurance": ("no_insurance_registration", "insurance_unpaid"),
    "child_labour": ("child_labour",),
    "special_protection": ("female_protection", "minor_protection"),
    "roster": ("no_staff_roster",),
    "rules": ("unlawful_rules",),
    "dispatch": ("unlawful_dispatch",),
    "real_name": ("no_real_name",),
    "wage_account": ("no_wage_account",),
    "wage_deposit": ("no_wage_deposit",),
    "agent_payment": ("no_agent_payment",),
    "rights_board": ("no_rights_board",),
}

#: What the order tells the employer to do, per violation (proposed; the inspector may edit it).
ORDER_TEXTS: dict[str, Promise] = {
    "no_written_contract": _("与全部在岗劳动者依法订立书面劳动合同"),
    "wage_arrears": _("足额支付克扣或者拖欠劳动者的工资"),
    "below_minimum_wage": _("按不低于当地最低工资标准补足劳动者工资差额"),
    "excess_overtime": _("将延长工作时间控制在法定限度内，并依法支付加班工资"),
    "no_insurance_registration": _("为全部职工办理社会保险登记"),
    "insurance_unpaid": _("按时足额缴纳社会保险费"),
    "child_labour": _("立即将童工送回原居住地交其父母或者其他监护人"),
    "female_protection": _("按规定落实女职工孕期、产期、哺乳期特殊劳动保护"),
    "minor_protection": _("停止安排未成年工从事禁忌劳动，并定期进行健康检查"),
    "no_staff_roster": _("建立职工名册并备查"),
    "unlawful_rules": _("修改违反法律、法规规定的规章制度，并依法经民主程序公示"),
    "unlawful_dispatch": _("按规定调整劳务派遣用工"),
    "no_real_name": _("实行劳动用工实名制管理，建立用工管理台账"),
    "no_wage_account": _("开设并使用农民工工资专用账户"),
    "no_agent_payment": _("通过农民工工资专用账户直接将工资支付到农民工本人银行账户"),
    "no_wage_deposit": _("按规定存储工资保证金或者提供金融机构保函"),
    "no_rights_board": _("在施工现场醒目位置设立维权信息告示牌"),
}


def violation_of(key: str) -> str:
    """The violation proposed for a failed checklist item ("" for a campaign's own item: the
    inspector chooses)."""
    found = VIOLATIONS_OF.get(key)
    return found[0] if found else ""


def order_text(violation: str) -> str:
    text = ORDER_TEXTS.get(violation)
    return str(text) if text is not None else ""


#: The patrol checklist: every Art. 11 area of an ordinary employer.
DEFAULT_KEYS = (
    "contracts",
    "wages",
    "minimum_wage",
    "hours",
    "insurance",
    "child_labour",
    "special_protection",
    "roster",
    "rules",
)

#: The winter wage campaign's checklist (农民工工资支付专项检查).
WAGE_CAMPAIGN_KEYS = (
    "contracts",
    "wages",
    "minimum_wage",
    "real_name",
    "wage_account",
    "wage_deposit",
    "agent_payment",
    "rights_board",
)


def item(key: str, label: str = "", basis: str = "") -> dict[str, str]:
    if key in CATALOGUE and not label:
        lab, bas = CATALOGUE[key]
        return {"key": key, "label": str(lab), "basis": basis or bas}
    return {"key": key, "label": label, "basis": basis}


def default_template() -> list[dict[str, str]]:
    return [item(k) for k in DEFAULT_KEYS]


def build_template(keys: Iterable[str], extra: Sequence[str] = ()) -> list[dict[str, str]]:
    """A template from catalogue keys plus free-text items (each becomes ``custom_<n>``)."""
    out: list[dict[str, str]] = []
    errors = []
    seen: set[str] = set()
    for key in keys:
        if key not in CATALOGUE:
            errors.append(gettext("未知的检查项目：%(key)s") % {"key": key})
        elif key not in seen:
            seen.add(key)
            out.append(item(key))
    for n, text in enumerate((t.strip() for t in extra if t.strip()), start=1):
        out.append({"key": f"custom_{n}", "label": text[:100], "basis": ""})
    if errors:
        raise ValidationError({"checklist": errors})
    if not out:
        raise ValidationError({"checklist": [gettext("请至少选择一个检查项目。")]})
    return out


def label_of(template: Sequence[Mapping[str, Any]], key: str) -> str:
    for entry in template:
        if entry.get("key") == key:
            return str(entry.get("label") or key)
    if key in CATALOGUE:
        return str(CATALOGUE[key][0])
    return key

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
    "wage_account": (_("农民工工资专用账户"), "《保障农民工工资支付条例》第二十九条"),
    "wage_deposit": (_("工资保证金"), "《保障农民工工资支付条例》第三十二条"),
    "agent_payment": (_("总承包单位代发工资"), "《保障农民工工资支付条例》第三十一条"),
    "rights_board": (_("维权信息公示牌"), "《保障农民工工资支付条例》第三十四条"),
}

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

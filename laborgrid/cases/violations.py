"""The violations a decision may find, each with the provision it breaks (违反条款) and the
provision the bureau acts on (处理依据) (DOMAIN B1.12). A decision document prints the violated
provision only when the case records which violation the investigation established: the
bureau's own handling clauses (条例 Art. 18, 26...) are never cited as what the employer broke.

National provisions only; a province adds its own rows (configuration later, DOMAIN A4).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from laborgrid.cases.choices import Category


@dataclass(frozen=True)
class Violation:
    label: object  # a lazy translated string
    category: str
    violated: str  # 违反条款: what the employer broke
    basis: str  # 处理依据: what the bureau acts on


VIOLATIONS: dict[str, Violation] = {
    "wage_arrears": Violation(
        _("克扣或者无故拖欠劳动者工资"),
        Category.WAGES,
        "《中华人民共和国劳动法》第五十条",
        "《劳动保障监察条例》第二十六条",
    ),
    "below_minimum_wage": Violation(
        _("支付劳动者的工资低于当地最低工资标准"),
        Category.WAGES,
        "《中华人民共和国劳动法》第四十八条",
        "《劳动保障监察条例》第二十六条",
    ),
    "no_written_contract": Violation(
        _("未与劳动者订立书面劳动合同"),
        Category.CONTRACT,
        "《中华人民共和国劳动合同法》第十条",
        "《劳动保障监察条例》第二十四条",
    ),
    "excess_overtime": Violation(
        _("安排劳动者延长工作时间超过法定限度"),
        Category.HOURS,
        "《中华人民共和国劳动法》第四十一条",
        "《劳动保障监察条例》第二十五条",
    ),
    "no_staff_roster": Violation(
        _("未建立职工名册"),
        Category.CONTRACT,
        "《中华人民共和国劳动合同法实施条例》第八条",
        "《中华人民共和国劳动合同法实施条例》第三十三条",
    ),
    "child_labour": Violation(
        _("使用童工"),
        Category.CHILD_LABOUR,
        "《禁止使用童工规定》第二条",
        "《禁止使用童工规定》第六条",
    ),
    "no_insurance_registration": Violation(
        _("未依法为劳动者办理社会保险登记"),
        Category.SOCIAL_INSURANCE,
        "《中华人民共和国社会保险法》第五十八条",
        "《中华人民共和国社会保险法》第八十四条",
    ),
    "insurance_unpaid": Violation(
        _("未按时足额缴纳社会保险费"),
        Category.SOCIAL_INSURANCE,
        "《中华人民共和国社会保险法》第六十条",
        "《中华人民共和国社会保险法》第八十六条",
    ),
    "female_protection": Violation(
        _("违反女职工特殊劳动保护规定"),
        Category.SPECIAL_PROTECTION,
        "《女职工劳动保护特别规定》第六条、第七条、第九条",
        "《劳动保障监察条例》第二十三条",
    ),
    "minor_protection": Violation(
        _("违反未成年工特殊保护规定"),
        Category.SPECIAL_PROTECTION,
        "《未成年工特殊保护规定》第三条、第六条",
        "《劳动保障监察条例》第二十三条",
    ),
    "unlawful_rules": Violation(
        _("直接涉及劳动者切身利益的规章制度违反法律、法规规定"),
        Category.RULES,
        "《中华人民共和国劳动合同法》第四条",
        "《中华人民共和国劳动合同法》第八十条",
    ),
    "unlawful_dispatch": Violation(
        _("违反劳务派遣规定使用被派遣劳动者"),
        Category.DISPATCH,
        "《中华人民共和国劳动合同法》第六十六条",
        "《中华人民共和国劳动合同法》第九十二条",
    ),
    # 保障农民工工资支付条例 chapter 4 (工程建设领域特别规定; DOMAIN B4.2, B1.12): found on a visit
    # (``laborgrid.inspections``) or from a project's obligations (``laborgrid.projects``).
    # Violated: the duty's article; basis: the article that orders the correction (Art. 55
    # items 1-3, Art. 56 items 1 and 4, Art. 57 item 2).
    "no_real_name": Violation(
        _("施工总承包单位、分包单位未实行劳动用工实名制管理"),
        Category.WAGES,
        "《保障农民工工资支付条例》第二十八条",
        "《保障农民工工资支付条例》第五十五条",
    ),
    "no_wage_account": Violation(
        _("施工总承包单位未按规定开设或者使用农民工工资专用账户"),
        Category.WAGES,
        "《保障农民工工资支付条例》第二十六条",
        "《保障农民工工资支付条例》第五十五条",
    ),
    "no_agent_payment": Violation(
        _("施工总承包单位未通过农民工工资专用账户直接向农民工支付工资"),
        Category.WAGES,
        "《保障农民工工资支付条例》第三十一条",
        "《保障农民工工资支付条例》第五十五条",
    ),
    "no_wage_deposit": Violation(
        _("施工总承包单位未按规定存储工资保证金或者未提供金融机构保函"),
        Category.WAGES,
        "《保障农民工工资支付条例》第三十二条",
        "《保障农民工工资支付条例》第五十五条",
    ),
    "no_pay_sheet": Violation(
        _("分包单位未按月考核农民工工作量、编制工资支付表并经农民工本人签字确认"),
        Category.WAGES,
        "《保障农民工工资支付条例》第三十一条",
        "《保障农民工工资支付条例》第五十六条",
    ),
    "no_rights_board": Violation(
        _("施工总承包单位未实行施工现场维权信息公示制度"),
        Category.WAGES,
        "《保障农民工工资支付条例》第三十四条",
        "《保障农民工工资支付条例》第五十六条",
    ),
    "labour_cost_unpaid": Violation(
        _("建设单位未按约定及时足额向农民工工资专用账户拨付工程款中的人工费用"),
        Category.WAGES,
        "《保障农民工工资支付条例》第二十四条、第二十九条",
        "《保障农民工工资支付条例》第五十七条",
    ),
}


def violation_choices() -> list[tuple[str, object]]:
    return [(key, v.label) for key, v in VIOLATIONS.items()]

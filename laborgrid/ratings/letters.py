"""The two letters to the employer as printable PDFs, drawn with the documents app's primitives
and its embedded Noto Serif SC subset (as ``portal/letter.py``):

* 企业劳动保障守法诚信等级评价结果告知书 — an approved grade: the grade, the rule that decided it
  (as stored with the run), the facts and evidence behind it, any change with its reason, the
  objection deadline. Cited by title: 人社部规〔2016〕1号 (its article numbers are not in the
  texts available, DOMAIN B10 item 5).
* 拖欠农民工工资失信联合惩戒对象名单事先告知书 — a notified listing: the facts and the Art. 5
  situation (部令45号第五条, the article seen), the persons to be listed with it (ID masked), the
  term, and the statement period with its deadline (a local setting, DOMAIN B10 item 3).

Only what the records hold is printed; a letter exists once the step it reports was taken.
Produced on demand from the rows (nothing stored), so a changed grade prints the current one.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from laborgrid.documents.layouts import cn_date
from laborgrid.documents.render import (
    DocumentPDF,
    UnprintableText,
    _heading,
    _para,
    _party,
    _signature,
    unprintable,
)
from laborgrid.ratings import rules as R
from laborgrid.ratings.choices import GradeState

GRADE_TITLE = "企业劳动保障守法诚信等级评价结果告知书"
LISTING_TITLE = "拖欠农民工工资失信联合惩戒对象名单事先告知书"
GRADE_BASIS = "《企业劳动保障守法诚信等级评价办法》（人社部规〔2016〕1号）"
LISTING_BASIS = "《拖欠农民工工资失信联合惩戒对象名单管理暂行办法》（人力资源社会保障部令第45号）"
GRADE_WORDS = {"A": "A级（守法诚信）", "B": "B级（基本守法诚信）", "C": "C级（不诚信）"}


def grade_filename(grade: Any) -> str:
    return f"诚信等级评价结果告知书-{grade.year}-{grade.pk}.pdf"


def listing_filename(listing: Any) -> str:
    return f"失信名单事先告知书-{listing.pk}.pdf"


def _party_of(employer: Any) -> dict[str, str]:
    return {
        "name": employer.name,
        "code": employer.uscc or "",
        "legal_rep": employer.legal_rep or "",
        "address": employer.address or "",
    }


def _render(title: str, blocks: list[tuple[str, Any]], party: dict[str, str], day: Any) -> bytes:
    from laborgrid.cases.documents import authority

    missing = unprintable({"party": party, "text": [b[1] for b in blocks]})
    if missing:
        raise UnprintableText(missing)
    pdf = DocumentPDF()
    pdf.set_title(title)
    pdf.add_page()
    _heading(pdf, authority(), title, "")
    _party(pdf, party, label="被告知单位")
    pdf.ln(2)
    for kind, text in blocks:
        if kind == "gap":
            pdf.ln(2)
        else:
            _para(pdf, text, indent=kind != "flush")
    _signature(pdf, authority(), day)
    return bytes(pdf.output())


def _rule_lines(grade: Any) -> list[str]:
    """The rules the grade hit, as stored with its run (the rule set it was graded by)."""
    stored = {r["key"]: r for r in grade.run.rules.get("rules", [])}
    lines = []
    for key in grade.hits:
        rule = stored.get(key)
        if rule is None:
            continue
        mark = "（决定等级）" if key == grade.decisive_rule else ""
        lines.append(f"{rule['label']}——最高评为{rule['cap']}级{mark}；依据：{rule['basis']}")
    return lines


def _fact_lines(grade: Any) -> list[str]:
    """The facts read for the grade that are not neutral (a clean record has none)."""
    facts = grade.facts or {}
    out = []
    for name, (_kind, label, default) in R.FACTS.items():
        value = facts.get(name, default)
        if name not in facts or value in (default, 0, False, None):
            continue
        out.append(f"{label}：{R.value_label(value)}")
    return out


def grade_letter(grade: Any) -> bytes:
    """The 评价结果告知书 of an approved grade (in Chinese whatever the reader's UI language)."""
    if grade.state != GradeState.APPROVED or not grade.notified_on:
        raise ValidationError(_("等级审定并告知后才有评价结果告知书。"))
    with translation.override("zh-hans"):
        return _grade_letter(grade)


def listing_letter(listing: Any, statement_days: int) -> bytes:
    """The prior notice (事先告知书) of a listing once notified (in Chinese)."""
    if not listing.notified_on:
        raise ValidationError(_("事先告知后才有事先告知书。"))
    with translation.override("zh-hans"):
        return _listing_letter(listing, statement_days)


def _grade_letter(grade: Any) -> bytes:
    employer = grade.employer
    word = GRADE_WORDS[grade.grade]
    blocks: list[tuple[str, Any]] = [
        ("flush", f"{employer.name}："),
        (
            "para",
            f"根据{GRADE_BASIS}，本局对你单位{grade.year}年度的劳动保障守法诚信情况进行了评价，"
            f"评价结果为{word}。现将评价结果及其依据告知如下。",
        ),
        ("gap", ""),
    ]
    rule_lines = _rule_lines(grade)
    if rule_lines:
        blocks.append(("para", "一、适用的评价规则："))
        blocks += [("para", f"{i}. {line}") for i, line in enumerate(rule_lines, start=1)]
    else:
        blocks.append(("para", "一、适用的评价规则：评价年度内未发现应评为B级或C级的情形。"))
    fact_lines = _fact_lines(grade)
    evidence = [e.get("label", "") for e in grade.evidence or [] if e.get("label")]
    if fact_lines or evidence:
        blocks.append(("para", "二、评价所依据的事实："))
        blocks += [("para", line) for line in fact_lines]
        if evidence:
            blocks.append(("para", "相关记录：" + "；".join(evidence[:30])))
    else:
        blocks.append(("para", "二、评价所依据的事实：评价年度内没有查处、未履行决定、群体性事件、"
                               "阻挠检查等记录。"))  # fmt: skip
    ordinal = "三"
    if grade.grade != grade.draft_grade and grade.override_reason:
        blocks.append(
            (
                "para",
                f"三、按评价规则初评为{grade.draft_grade}级，经审核评为{grade.grade}级，"
                f"理由：{grade.override_reason}",
            )
        )
        ordinal = "四"
    if grade.objection_result:
        blocks.append(
            (
                "para",
                f"{ordinal}、你单位于{cn_date(grade.objection_on)}提出的异议已处理："
                f"{grade.get_objection_result_display()}，{grade.objection_note}",
            )
        )
    elif grade.objection_due:
        blocks.append(
            (
                "para",
                f"{ordinal}、你单位对评价结果有异议的，可于{cn_date(grade.objection_due)}前"
                "向本局提出书面异议，写明事实和理由，也可通过用人单位网上申报系统提出。",
            )
        )
    return _render(GRADE_TITLE, blocks, _party_of(employer), grade.notified_on)


def _listing_letter(listing: Any, statement_days: int) -> bytes:
    employer = listing.employer
    case = listing.case
    persons = [
        f"{p.get_role_display()}：{p.name}（公民身份号码 {p.id_masked}）"
        for p in listing.persons.all()
    ]
    amount = f"{listing.amount_owed:,.2f}" if listing.amount_owed else ""
    facts = listing.facts.strip()
    figures = []
    if amount:
        figures.append(f"拖欠工资{amount}元")
    if listing.workers:
        figures.append(f"涉及农民工{listing.workers}人")
    decided = (
        f"本局于{cn_date(case.decided_on)}作出{case.get_decision_kind_display()}，"
        if case.decided_on and case.decision_kind
        else ""
    )
    blocks: list[tuple[str, Any]] = [
        ("flush", f"{employer.name}："),
        ("para", f"经查，{facts}" + (f"（{'，'.join(figures)}）" if figures else "")),
        (
            "para",
            f"{decided}你单位逾期仍未支付。上述情形属于{LISTING_BASIS}第五条规定的"
            f"“{listing.get_condition_display()}”。本局拟将你单位列入拖欠农民工工资失信联合"
            "惩戒对象名单。",
        ),
    ]
    if persons:
        blocks.append(("para", "拟同时列入的人员："))
        blocks += [("para", p) for p in persons]
    blocks.append(
        (
            "para",
            "列入后，依照《保障农民工工资支付条例》第四十八条的规定实施联合惩戒。",
        )
    )
    blocks.append(
        (
            "para",
            f"你单位有权进行陈述和申辩。请于{cn_date(listing.statement_due)}前"
            f"（告知之日起{statement_days}个工作日内）向本局提出，并提供相关证据材料，"
            "也可通过用人单位网上申报系统提交。逾期未提出的，视为放弃陈述申辩的权利。",
        )
    )
    return _render(LISTING_TITLE, blocks, _party_of(employer), listing.notified_on)

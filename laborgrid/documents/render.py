"""Drawing the documents as PDF with fpdf2 and the embedded Noto Serif SC subset.

The font ships with the app (``fonts/``, refreshed by ``scripts/vendor-assets``) and fpdf2 embeds
the glyphs a document uses (a TrueType subset, ``/FontFile2``), so a PDF prints the same on a
machine without any Chinese font. Text is always plain text (``markdown`` off); see ``layouts``.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import TextMode, WrapMode, XPos, YPos

from laborgrid.documents.choices import DocumentType
from laborgrid.documents.layouts import (
    Layout,
    clean,
    cn_date,
    cn_datetime,
    cn_ordinal,
    validate,
)

FONT_PATH = Path(__file__).resolve().parent / "fonts" / "NotoSerifSC-Regular-subset.ttf"
FONT = "notoserifsc"
# The total-pages alias contains a word joiner (U+2060), which ``clean`` removes from every user
# string: user text can never be mistaken for the alias.
NB_ALIAS = "\u2060NB\u2060"
INDENT = "\u3000\u3000"  # two full-width spaces: the first-line indent of Chinese paragraphs

TITLE_SIZE = 20
BODY_SIZE = 13
SMALL_SIZE = 11
LINE = 8.0  # mm per body line


class DocumentPDF(FPDF):
    def __init__(self, footer_note: str = "") -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.footer_note = footer_note
        self.set_margins(left=26, top=25, right=24)
        self.set_auto_page_break(auto=True, margin=22)
        self.alias_nb_pages(NB_ALIAS)
        self.add_font(FONT, fname=str(FONT_PATH))
        self.set_font(FONT, size=BODY_SIZE)
        self.set_creator("laborgrid")

    def footer(self) -> None:
        self.set_y(-16)
        self.set_font(FONT, size=SMALL_SIZE - 1)
        text = f"第 {self.page_no()} 页 共 {NB_ALIAS} 页"
        if self.footer_note:
            self.cell(0, 6, self.footer_note, align="L")
            self.set_x(self.l_margin)
        self.cell(0, 6, text, align="R")


# --- primitives ----------------------------------------------------------------------------------


def _heading(pdf: DocumentPDF, authority: str, title: str, number: str) -> None:
    pdf.set_font(FONT, size=BODY_SIZE + 2)
    pdf.cell(0, 9, clean(authority), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, size=TITLE_SIZE)
    # Faux bold (one weight is shipped): filled and stroked, in a saved graphics state.
    with pdf.local_context(text_mode=TextMode.FILL_STROKE, line_width=0.3):
        pdf.multi_cell(
            0, 12, title, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT, wrapmode=WrapMode.CHAR
        )
    pdf.set_font(FONT, size=BODY_SIZE)
    if number:
        pdf.cell(0, 9, clean(number), align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)


# 禁则 (line-breaking rules of Chinese typesetting): no line starts with closing punctuation, no
# line ends with opening punctuation.
NO_START = set("，。、；：？！）》」』”’〕】〉…—·%,.;:?!)]}")
NO_END = set("（《「『“‘〔【〈([{")
_ASCII_RUN = re.compile(r"[!-~]+|\s|.", re.DOTALL)  # a run of printable ASCII is one unit


def _strip_end(line: list[str]) -> None:
    while len(line) > 1 and line[-1].isspace():
        line.pop()


def _carry(prev: list[str], first: str) -> list[str]:
    """Units to move from the end of ``prev`` to the next line, whose first unit is ``first``: the
    unit before closing punctuation (with its own closing marks), and opening punctuation."""
    carry: list[str] = []
    if first[0] in NO_START:
        while len(prev) > 1:
            carry.insert(0, prev.pop())
            if carry[0][0] not in NO_START and not carry[0].isspace():
                break
    while len(prev) > 1 and prev[-1][-1] in NO_END:
        carry.insert(0, prev.pop())
    while carry and carry[0].isspace():
        carry.pop(0)
    return carry


def break_lines(text: str, width: float, measure: Any) -> list[str]:
    """Break one paragraph into lines no wider than ``width`` (``measure(s)`` gives a width).

    Chinese breaks between any two characters, an ASCII run (a number, a code, a word) only when it
    is longer than a line; a break that would start a line with closing punctuation or end one with
    opening punctuation moves a unit to the next line instead (never past the margin).
    """
    units = _ASCII_RUN.findall(text)
    expanded: list[str] = []
    for unit in units:
        if len(unit) > 1 and measure(unit) > width:
            expanded.extend(unit)  # longer than a line: breaks anywhere
        else:
            expanded.append(unit)
    lines: list[list[str]] = [[]]
    used = 0.0
    for unit in expanded:
        w = measure(unit)
        if lines[-1] and used + w > width:
            lines.append([])
            used = 0.0
            _strip_end(lines[-2])
        line = lines[-1]
        if not line and len(lines) > 1:
            if unit.isspace():
                continue  # no space at the start of a continued line
            carry = _carry(lines[-2], unit)
            if carry and sum(measure(u) for u in carry) + w > width:
                lines[-2].extend(carry)  # cannot move without overflowing: leave it
                carry = []
            _strip_end(lines[-2])
            line.extend(carry)
            used = sum(measure(u) for u in carry)
        line.append(unit)
        used += w
    return ["".join(line) for line in lines]


def _para(pdf: DocumentPDF, text: str, indent: bool = True, size: int = BODY_SIZE) -> None:
    pdf.set_font(FONT, size=size)
    for paragraph in clean(text).split("\n"):
        lines = break_lines((INDENT if indent else "") + paragraph, pdf.epw, pdf.get_string_width)
        for line in lines:
            pdf.cell(0, LINE, line, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _items(pdf: DocumentPDF, items: Sequence[str]) -> None:
    for i, item in enumerate(items, start=1):
        _para(pdf, f"{cn_ordinal(i)}、{clean(item)}")


def _party(pdf: DocumentPDF, party: Mapping[str, Any], label: str = "当事人") -> None:
    lines = [f"{label}：{clean(party.get('name'))}"]
    for key, name in (
        ("code", "统一社会信用代码（身份证号码）"),
        ("legal_rep", "法定代表人（负责人）"),
        ("address", "地址"),
        ("phone", "联系电话"),
    ):
        if party.get(key):
            lines.append(f"{name}：{clean(party[key])}")
    for line in lines:
        _para(pdf, line)


def _signature(pdf: DocumentPDF, authority: str, date: datetime.date | None) -> None:
    pdf.ln(10)
    if pdf.will_page_break(3 * LINE):
        pdf.add_page()
    width = pdf.epw * 0.55
    x = pdf.l_margin + pdf.epw - width
    pdf.set_x(x)
    pdf.multi_cell(width, LINE, clean(authority), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_x(x)
    pdf.cell(width, LINE, "（印章）", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_x(x)
    pdf.cell(width, LINE, cn_date(date), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _receipt_lines(pdf: DocumentPDF) -> None:
    pdf.ln(6)
    if pdf.will_page_break(4 * LINE):
        pdf.add_page()
    y = pdf.get_y()
    pdf.set_dash_pattern(dash=2, gap=1.5)
    pdf.line(pdf.l_margin, y, pdf.l_margin + pdf.epw, y)
    pdf.set_dash_pattern()
    pdf.ln(4)
    _para(pdf, "受送达人（签收）：____________________", indent=False)
    _para(pdf, f"签收日期：{cn_date(None)}", indent=False)


def _sign_line(pdf: DocumentPDF, labels: Sequence[str]) -> None:
    """Signature lines, kept together on one page."""
    pdf.ln(4)
    if pdf.will_page_break(len(labels) * LINE):
        pdf.add_page()
    for label in labels:
        _para(pdf, f"{label}（签名）：____________________    {cn_date(None)}", indent=False)


# --- layouts -------------------------------------------------------------------------------------


def _notice(pdf: DocumentPDF, doc_type: DocumentType, c: Mapping[str, Any]) -> None:
    T = DocumentType
    if c.get("addressee"):
        _para(pdf, f"{clean(c['addressee'])}：", indent=False)
    if c.get("party"):
        _party(pdf, c["party"])
    received = (
        f"你于{cn_date(c['received_on'])}反映{clean(c['respondent'])}的投诉"
        if c.get("received_on")
        else ""
    )
    if doc_type == T.ACCEPTANCE_NOTICE:
        _para(pdf, f"{received}，经审查，符合受理条件，本局决定予以受理，将依法进行调查处理。")
        for p in c.get("paragraphs") or ():
            _para(pdf, p)
    elif doc_type == T.REJECTION_NOTICE:
        _para(pdf, f"{received}，经审查，因下列原因，本局决定不予受理：")
        for p in c["paragraphs"]:
            _para(pdf, p)
        if c.get("legal_basis"):
            _para(pdf, f"依据：{clean(c['legal_basis'])}。")
        if c.get("referral"):
            _para(pdf, clean(c["referral"]))
        if c.get("reconsideration_body") or c.get("court"):
            _para(pdf, _rights(c))
    elif doc_type == T.CORRECTION_REQUEST:
        _para(
            pdf,
            f"{received}，投诉材料不齐全。请于{cn_date(c['deadline'])}前补正下列材料，"
            "补正后本局依法审查是否受理：",
        )
        _items(pdf, c["items"])
    elif doc_type == T.INQUIRY_NOTICE:
        for p in c.get("paragraphs") or ():
            _para(pdf, p)
        _para(
            pdf,
            "因调查需要，依据《劳动保障监察条例》第十五条的规定，请你（单位）于"
            f"{cn_datetime(c['appear_at'])}到{clean(c['place'])}接受询问"
            + ("，并携带下列材料：" if c.get("items") else "。"),
        )
        _items(pdf, c.get("items") or ())
        _para(pdf, "无正当理由拒不接受询问或者不如实提供有关材料的，本局将依法处理。")
    elif doc_type == T.CORRECTION_ORDER:
        _para(pdf, "经查，你单位存在下列违反劳动保障法律、法规或者规章的行为：")
        for p in c["paragraphs"]:
            _para(pdf, p)
        _para(
            pdf,
            f"上述行为违反了{clean(c['legal_basis'])}的规定。依据《劳动保障监察条例》"
            f"第十八条的规定，责令你单位于{cn_date(c['deadline'])}前改正下列行为：",
        )
        _items(pdf, c["items"])
        _para(pdf, "请将改正情况书面报告本局。逾期不改正的，本局将依法处理。")
    elif doc_type == T.HANDLING_DECISION:
        _para(pdf, "经查：")
        for p in c["paragraphs"]:
            _para(pdf, p)
        _para(pdf, f"依据{clean(c['legal_basis'])}的规定，本局决定：")
        _items(pdf, c["items"])
        _para(pdf, f"请于{cn_date(c['deadline'])}前履行本决定，并将履行情况书面报告本局。")
        _para(pdf, _rights(c))
    elif doc_type == T.PENALTY_PRIOR_NOTICE:
        _para(pdf, "经查：")
        for p in c["paragraphs"]:
            _para(pdf, p)
        _para(pdf, f"依据{clean(c['legal_basis'])}的规定，本局拟对你（单位）作出如下行政处罚：")
        _items(pdf, c["items"])
        _para(
            pdf,
            "根据《中华人民共和国行政处罚法》第四十四条、第四十五条的规定，你（单位）有权进行"
            "陈述和申辩。",
        )
        if c.get("hearing"):
            _para(
                pdf,
                "根据《中华人民共和国行政处罚法》第六十三条、第六十四条的规定，你（单位）有权"
                "要求举行听证；要求听证的，应当在收到本告知书之日起五日内提出。",
            )
        _para(pdf, "逾期未提出陈述、申辩或者听证要求的，视为放弃上述权利。")
    elif doc_type == T.PENALTY_DECISION:
        _para(pdf, "经查：")
        for p in c["paragraphs"]:
            _para(pdf, p)
        _para(pdf, f"依据{clean(c['legal_basis'])}的规定，本局决定给予如下行政处罚：")
        _items(pdf, c["items"])
        _para(
            pdf,
            f"请自收到本决定书之日起十五日内，到{clean(c['payment'])}缴纳罚款。到期不缴纳罚款的，"
            "每日按罚款数额的百分之三加处罚款，加处罚款的数额不超过罚款的数额。",
        )
        _para(pdf, _rights(c))
    if c.get("contact"):
        _para(pdf, f"联系人及电话：{clean(c['contact'])}")
    _signature(pdf, c["authority"], c.get("date"))


def _rights(c: Mapping[str, Any]) -> str:
    return (
        "如不服本决定，可在收到本决定书之日起六十日内向"
        f"{clean(c.get('reconsideration_body')) or '____________'}申请行政复议，"
        f"或者在六个月内依法向{clean(c.get('court')) or '____________'}提起行政诉讼。"
        "申请行政复议或者提起行政诉讼期间，本决定不停止执行，法律另有规定的除外。"
    )


def _table_rows(pdf: DocumentPDF, rows: Sequence[tuple[str, str]], label_width: float) -> None:
    pdf.set_font(FONT, size=SMALL_SIZE + 1)
    with pdf.table(
        col_widths=(label_width, 100 - label_width),
        text_align=("CENTER", "LEFT"),
        line_height=7,
        first_row_as_headings=False,
        padding=2,
        wrapmode=WrapMode.CHAR,
    ) as table:
        # The value column, less the padding on both sides, less a hair for rounding.
        value_width = pdf.epw * (100 - label_width) / 100 - 4 - 0.5
        for label, value in rows:
            row = table.row()
            row.cell(label)
            row.cell(
                "\n".join(
                    line
                    for paragraph in value.split("\n")
                    for line in break_lines(paragraph, value_width, pdf.get_string_width)
                )
            )


def _approval(pdf: DocumentPDF, doc_type: DocumentType, c: Mapping[str, Any]) -> None:
    T = DocumentType
    party = c.get("party") or {}
    party_text = "\n".join(
        clean(v)
        for v in (
            party.get("name"),
            party.get("code") and f"统一社会信用代码：{party['code']}",
            party.get("legal_rep") and f"法定代表人（负责人）：{party['legal_rep']}",
            party.get("address") and f"地址：{party['address']}",
        )
        if v
    )
    rows: list[tuple[str, str]] = [
        ("案由", clean(c["case_title"])),
    ]
    if c.get("case_number"):
        rows.append(("案件编号", clean(c["case_number"])))
    if c.get("source"):
        rows.append(("案件来源", clean(c["source"])))
    if party_text:
        rows.append(("当事人", party_text))
    if c.get("summary"):
        label = "调查情况" if doc_type == T.CLOSURE_APPROVAL else "简要案情"
        rows.append((label, clean(c["summary"])))
    if doc_type == T.EXTENSION_APPROVAL:
        rows.append(("延期理由", clean(c["reason"])))
        rows.append(("延长期限", clean(c["period"])))
    elif doc_type == T.SUSPENSION_APPROVAL:
        rows.append(("中止理由", clean(c["reason"])))
        if c.get("period"):
            rows.append(("中止期限", clean(c["period"])))
    elif doc_type == T.CLOSURE_APPROVAL:
        rows.append(("处理结果", clean(c["outcome"])))
    if c.get("handlers"):
        rows.append(("承办人", "、".join(clean(h) for h in c["handlers"])))
    opinions = list(c.get("opinions") or ()) or [
        {"role": "承办人意见"},
        {"role": "审核意见"},
        {"role": "负责人审批意见"},
    ]
    for o in opinions:
        text = clean(o.get("text")) or "\n"
        sign = f"签名：{clean(o.get('signer')) or '__________'}    {cn_date(o.get('date'))}"
        rows.append((clean(o.get("role")), f"{text}\n\n{sign}"))
    _table_rows(pdf, rows, label_width=22)
    if c.get("date"):
        pdf.ln(4)
        _para(pdf, f"填表日期：{cn_date(c['date'])}", indent=False)


def _record(pdf: DocumentPDF, doc_type: DocumentType, c: Mapping[str, Any]) -> None:
    interview = doc_type == DocumentType.INTERVIEW_RECORD
    subject = c["subject"]
    inspectors = c["inspectors"]
    time_text = f"{cn_datetime(c['started_at'])} 至 {cn_datetime(c.get('ended_at'))}"
    rows = [("时间", time_text), ("地点", clean(c["place"]))]
    if c.get("case_title"):
        rows.append(("案由", clean(c["case_title"])))
    rows.append(
        (
            "询问人" if interview else "检查人",
            "、".join(
                f"{clean(i['name'])}（执法证号：{clean(i['certificate'])}）" for i in inspectors
            ),
        )
    )
    rows.append(("记录人", clean(c["recorder"])))
    subject_lines = [clean(subject.get("name"))]
    for key, name in (
        ("code", "身份证号码" if interview else "统一社会信用代码"),
        ("position", "职务"),
        ("legal_rep", "法定代表人（负责人）"),
        ("address", "地址"),
        ("phone", "联系电话"),
    ):
        if subject.get(key):
            subject_lines.append(f"{name}：{clean(subject[key])}")
    rows.append(("被询问人" if interview else "被检查单位", "\n".join(subject_lines)))
    if c.get("present"):
        rows.append(("在场人", clean(c["present"])))
    _table_rows(pdf, rows, label_width=20)
    pdf.ln(4)
    names = "、".join(clean(i["name"]) for i in inspectors)
    disclosure = c.get("disclosure") or (
        f"我们是{clean(c['authority'])}的劳动保障监察员{names}，这是我们的执法证件。"
        + (
            "现依法向你进行调查询问，你应当如实回答，如实提供有关情况和材料。你认为我们与本案"
            "有利害关系、可能影响公正处理的，有权申请回避。你听清楚了吗？"
            if interview
            else "现依法对你单位进行现场检查，请予配合。"
        )
    )
    _para(pdf, clean(disclosure))
    if interview:
        for question, answer in c["qa"]:
            _para(pdf, f"问：{clean(question)}", indent=False)
            _para(pdf, f"答：{clean(answer)}", indent=False)
    else:
        _para(pdf, "检查情况：", indent=False)
        for p in c["findings"]:
            _para(pdf, p)
    pdf.ln(2)
    if pdf.will_page_break(5 * LINE):  # the closing statement stays with the signatures
        pdf.add_page()
    _para(
        pdf,
        "以上笔录已经本人阅读（或者已向本人宣读），记录属实。"
        if interview
        else "以上检查情况已经被检查单位核对，记录属实。",
    )
    _sign_line(
        pdf,
        [
            "被询问人" if interview else "被检查单位负责人",
            "询问人" if interview else "检查人",
            "记录人",
        ],
    )


def _receipt(pdf: DocumentPDF, c: Mapping[str, Any]) -> None:
    title = clean(c["document_title"])
    if c.get("document_number"):
        title += f"\n{clean(c['document_number'])}"
    rows = [
        ("送达文书名称及文号", title),
        ("受送达人", clean(c["addressee"])),
        ("送达地点", clean(c.get("address")) or "\n"),
        ("送达方式", clean(c.get("method")) or "\n"),
        ("送达人（签名）", "、".join(clean(s) for s in c.get("servers") or ()) or "\n"),
        ("送达时间", cn_datetime(c.get("served_at"))),
        ("受送达人（签名或者盖章）", f"\n\n{cn_date(None)}"),
        ("代收人及代收理由", "\n\n"),
        ("见证人（签名）", "\n"),
        ("备注", clean(c.get("note")) or "\n"),
    ]
    _table_rows(pdf, rows, label_width=30)
    pdf.ln(2)
    _para(
        pdf,
        "说明：受送达人拒绝签收的，送达人应当在备注栏注明情况，并由见证人签名。",
        indent=False,
        size=SMALL_SIZE,
    )


@cache
def font_codepoints() -> frozenset[int]:
    """The characters the shipped font draws (its Unicode cmap)."""
    from fontTools.ttLib import TTFont

    font = TTFont(str(FONT_PATH), lazy=True)
    try:
        return frozenset(font.getBestCmap())
    finally:
        font.close()


def missing_glyphs(text: str) -> str:
    """The characters of ``text`` (as printed: after :func:`clean`) the font cannot draw, each
    once in order of appearance; line breaks do not count. A rare character of a name (CJK
    extension B and beyond, e.g. 𠮷) or an emoji is what this finds."""
    drawn = font_codepoints()
    seen: dict[str, None] = {}
    for ch in clean(text):
        if ch != "\n" and ord(ch) not in drawn:
            seen.setdefault(ch, None)
    return "".join(seen)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, Mapping):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, (list, tuple)):
        return [s for v in value for s in _strings(v)]
    return []


def unprintable(context: Mapping[str, Any]) -> dict[str, str]:
    """Context key → the characters of its text the font cannot draw (keys without any left out).
    The renderer refuses such a context instead of leaving the characters out of the PDF."""
    out: dict[str, str] = {}
    for key, value in context.items():
        missing = missing_glyphs("".join(_strings(value)))
        if missing:
            out[key] = missing
    return out


class UnprintableText(ValueError):
    """Text the document's font cannot draw: refused, never silently dropped."""

    def __init__(self, missing: Mapping[str, str]) -> None:
        self.missing = dict(missing)
        chars = "".join(dict.fromkeys("".join(self.missing.values())))
        super().__init__(
            _(
                "文书字体中没有以下字符，无法打印：%(chars)s（%(where)s）。请改用通用规范汉字书写，"
                "或请系统管理员补充字体后再签发。"
            )
            % {"chars": " ".join(chars), "where": "、".join(self.missing)}
        )


def render(doc_type: DocumentType, context: Mapping[str, Any], title: str) -> bytes:
    """The document as PDF bytes (validated against the type's spec first; text the font cannot
    draw raises :class:`UnprintableText`)."""
    spec = validate(doc_type, context)
    missing = unprintable({**context, "title": title})
    if missing:
        raise UnprintableText(missing)
    footer_note = ""
    if spec.layout is Layout.RECORD:
        footer_note = (
            "被询问人（签名）：__________"
            if doc_type == DocumentType.INTERVIEW_RECORD
            else "被检查单位负责人（签名）：__________"
        )
    pdf = DocumentPDF(footer_note=footer_note)
    pdf.set_title(title)
    pdf.add_page()
    _heading(pdf, context["authority"], title, context.get("number", ""))
    if spec.layout is Layout.NOTICE:
        _notice(pdf, doc_type, context)
    elif spec.layout is Layout.APPROVAL:
        _approval(pdf, doc_type, context)
    elif spec.layout is Layout.RECORD:
        _record(pdf, doc_type, context)
    else:
        _receipt(pdf, context)
    if spec.receipt:
        _receipt_lines(pdf)
    return bytes(pdf.output())


def render_report(
    *,
    title: str,
    authority: str,
    rows: Sequence[tuple[str, str]],
    sections: Sequence[tuple[str, str]] = (),
    number: str = "",
    date: datetime.date | None = None,
) -> bytes:
    """A report that is not a numbered 文书 of the procedure (e.g. an incident's closing report):
    the heading, a table of labelled facts, then titled sections of text, and the authority and
    date. Every value is printed as plain text, like the documents."""
    pdf = DocumentPDF()
    pdf.set_title(clean(title))
    pdf.add_page()
    _heading(pdf, authority, clean(title), number)
    _table_rows(pdf, [(clean(k), clean(v) or "—") for k, v in rows], label_width=22)
    for heading, text in sections:
        pdf.ln(3)
        _para(pdf, clean(heading), indent=False)
        _para(pdf, text or "—")
    _signature(pdf, authority, date)
    return bytes(pdf.output())

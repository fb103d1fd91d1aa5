"""The PDFs: every type renders with its sample, Chinese is really drawn with the embedded font
(rasterised by pdfium, compared glyph by glyph with Pillow), user text stays text."""

from __future__ import annotations

import datetime
import itertools
import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from fontTools import subset
from fpdf import FPDF
from hypothesis import given
from hypothesis import strategies as st

from laborgrid.documents.choices import DocumentType
from laborgrid.documents.layouts import SPECS, clean, cn_date, cn_ordinal, validate
from laborgrid.documents.render import FONT_PATH
from laborgrid.documents.samples import sample_context
from laborgrid.documents.services import render_document
from laborgrid.documents.tests.glyphs import char_boxes, drawn_glyphs, reference, similarity

# Strings to check, one per layout: a title and addressee, a table cell, a record's opening words.
CHECKS = {
    DocumentType.CORRECTION_ORDER: ["劳动保障监察责令改正指令书", "大方县样例建筑劳务有限公司"],
    DocumentType.FILING_APPROVAL: ["涉嫌拖欠劳动者工资"],
    DocumentType.INTERVIEW_RECORD: ["劳动保障监察员王监察"],
    DocumentType.SERVICE_RECEIPT: ["直接送达"],
}


def text_of(pdf_bytes: bytes) -> str:
    pdf = pdfium.PdfDocument(pdf_bytes)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in pdf)
    finally:
        pdf.close()


def assert_drawn(pdf_bytes: bytes, text: str, boxes_from: bytes | None = None) -> None:
    """Each character's ink matches the font's own glyph for it far better than the glyph of
    another character: what a missing font (blank or tofu boxes) or a substitute cannot do.

    The characters are located through the text layer (of ``boxes_from`` if given)."""
    drawn = drawn_glyphs(pdf_bytes, char_boxes(boxes_from or pdf_bytes, text))
    refs = {ch: reference(ch) for ch in set(text)}
    other = reference("口")  # a box-like glyph, the closest thing to tofu
    for ch, glyph in zip(text, drawn, strict=True):
        same = similarity(glyph, refs[ch])
        assert same > 0.55, f"{ch!r} is not drawn as the font draws it (IoU {same:.2f})"
        if ch != "口":
            assert same > similarity(glyph, other) + 0.1, ch


@pytest.mark.parametrize("doc_type", list(DocumentType))
def test_every_type_renders_its_sample(doc_type: DocumentType) -> None:
    pdf = render_document(doc_type, sample_context(doc_type))
    assert pdf.startswith(b"%PDF-")
    text = text_of(pdf)
    assert str(doc_type.label) in text.replace("\n", "").replace("\r", "")
    assert "大方县人力资源和社会保障局" in text
    # The font is embedded (TrueType subset), not merely named.
    assert re.search(rb"/BaseFont /[A-Z]{6}\+NotoSerifSC", pdf)
    assert pdf.count(b"/FontFile2") == pdf.count(b"/Type /FontDescriptor") == 1
    if "date" in SPECS[doc_type].keys:
        assert "2026年10月13日" in text


@pytest.mark.parametrize(("doc_type", "strings"), CHECKS.items())
def test_chinese_glyphs_are_drawn(doc_type: DocumentType, strings: list[str]) -> None:
    pdf = render_document(doc_type, sample_context(doc_type))
    for s in strings:
        assert_drawn(pdf, s)


def _line_pdf(font_path: Path, text: str) -> bytes:
    pdf = FPDF()
    pdf.add_font("f", fname=str(font_path))
    pdf.add_page()
    pdf.set_font("f", size=20)
    pdf.cell(0, 10, text)
    return bytes(pdf.output())


def test_the_check_fails_without_the_chinese_glyphs(tmp_path: Path) -> None:
    """The ink check must fail on a PDF drawn with a font that lacks the Chinese glyphs (the
    font subset to ASCII, embedded the same way): the same line, the same character boxes (taken
    from the good PDF), but .notdef boxes or nothing where the characters should be."""
    latin = tmp_path / "latin.ttf"
    options = subset.Options()
    font = subset.load_font(str(FONT_PATH), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=range(0x20, 0x7F))
    subsetter.subset(font)
    font.save(str(latin))
    text = "劳动保障监察"
    good = _line_pdf(FONT_PATH, text)
    assert_drawn(good, text)
    with pytest.raises(AssertionError, match="is not drawn as the font draws it"):
        assert_drawn(_line_pdf(latin, text), text, boxes_from=good)


def test_the_vendored_font_covers_names() -> None:
    from fontTools.ttLib import TTFont

    cmap = TTFont(str(FONT_PATH)).getBestCmap()
    assert all(cp in cmap for cp in range(0x4E00, 0x9FA6))  # the whole URO as Unicode 1.1–4.1
    missing = [cp for cp in range(0x4E00, 0xA000) if cp not in cmap]
    assert len(missing) < 100, f"{len(missing)} of the basic block missing"
    for ch in "，。、：；（）《》〔〕“”—…０１ABCxyz123":
        assert ord(ch) in cmap, ch
    assert ord("䶮") in cmap  # Extension A, as in some people's names
    assert (FONT_PATH.parent / "OFL.txt").exists()


def test_user_text_is_text_not_markup() -> None:
    context = sample_context(DocumentType.CORRECTION_ORDER)
    context["addressee"] = "**粗体** <b>标签</b> {nb} \u202e反转\u200b"
    context["items"] = ["--删除线-- __下划线__"]
    text = text_of(render_document(DocumentType.CORRECTION_ORDER, context))
    assert "**粗体** <b>标签</b> {nb} 反转：" in text
    assert "--删除线-- __下划线__" in text
    assert "\u202e" not in text


def test_long_text_flows_onto_more_pages() -> None:
    context = sample_context(DocumentType.INTERVIEW_RECORD)
    context["qa"] = [(f"第{i}个问题？", "回答。" * 40) for i in range(30)]
    pdf = render_document(DocumentType.INTERVIEW_RECORD, context)
    doc = pdfium.PdfDocument(pdf)
    pages = len(doc)
    doc.close()
    assert pages >= 4
    text = text_of(pdf)
    assert f"第 {pages} 页 共 {pages} 页" in text
    assert text.count("被询问人（签名）") >= pages  # every page of a record is signed


def test_missing_and_unknown_keys_are_refused() -> None:
    context = sample_context(DocumentType.CORRECTION_ORDER)
    del context["deadline"]
    context["dedline"] = datetime.date(2026, 10, 23)
    with pytest.raises(
        ValueError, match=r"missing keys \['deadline'\], unknown keys \['dedline'\]"
    ):
        render_document(DocumentType.CORRECTION_ORDER, context)
    record = sample_context(DocumentType.INSPECTION_RECORD)
    record["inspectors"] = record["inspectors"][:1]
    with pytest.raises(ValueError, match="two inspectors"):
        validate(DocumentType.INSPECTION_RECORD, record)


def test_helpers() -> None:
    assert cn_date(datetime.date(2026, 10, 13)) == "2026年10月13日"
    assert [cn_ordinal(n) for n in (1, 9, 10, 11, 20, 21)] == [
        "一",
        "九",
        "十",
        "十一",
        "二十",
        "二十一",
    ]
    assert clean("a\u0000b\u200dc\u202ed\ne\tf") == "abcd\ne f"


def test_aware_times_are_printed_in_local_time() -> None:
    from laborgrid.documents.layouts import cn_datetime

    utc = datetime.datetime(2026, 10, 16, 1, 30, tzinfo=datetime.UTC)
    assert cn_datetime(utc) == "2026年10月16日9时30分"


def test_line_breaking_follows_the_chinese_rules() -> None:
    from laborgrid.documents.render import break_lines

    # Width counted in characters: 10 per line.
    lines = break_lines("一二三四五六七八九十，十一。", 10, len)
    assert lines == ["一二三四五六七八九", "十，十一。"]  # no line starts with "，"
    lines = break_lines("一二三四五六七八九十《条例》", 10, len)
    assert lines == ["一二三四五六七八九十", "《条例》"]
    lines = break_lines("一二三四五六七八九《条例》", 10, len)
    assert lines == ["一二三四五六七八九", "《条例》"]  # "《" never ends a line
    lines = break_lines("共计人民币186,000.00元整", 10, len)
    assert lines == ["共计人民币", "186,000.00", "元整"]  # a number is not cut


@given(st.text(alphabet="一二三四五，。、（）《》ab1 ", max_size=80), st.integers(4, 20))
def test_line_breaking_keeps_every_character(text: str, width: int) -> None:
    from laborgrid.documents.render import NO_START, break_lines

    lines = break_lines(text, width, len)
    assert all(len(line) <= width for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    for before, line in itertools.pairwise(lines):
        if line and line[0] in NO_START:
            # Only when nothing could move: the line before is a single unit, or moving its last
            # character would overflow the next line.
            first = re.match(r"[!-~]+|.", line, re.DOTALL).group()  # type: ignore[union-attr]
            assert (
                len(before) <= 1
                or before[-1] in NO_START
                or re.fullmatch(r"[!-~]+", before)
                or len(first) + 1 > width
            ), (text, width, lines)

"""Checking that a PDF really draws Chinese: rasterise it with pdfium and compare each character's
ink with the same character drawn by Pillow from the font file that ships with the app."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageDraw, ImageFont

from laborgrid.documents.render import FONT_PATH

SCALE = 4  # render at 288 dpi
SIZE = 40  # compare on a 40 x 40 grid


def _normalise(img: Image.Image) -> np.ndarray | None:
    """The ink of a glyph image, cropped to its bounding box and scaled to SIZE x SIZE (bool)."""
    grey = np.asarray(img.convert("L"))
    ink = grey < 128
    if not ink.any():
        return None
    rows, cols = np.where(ink)
    box = Image.fromarray(
        (ink[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1] * 255).astype("uint8")
    )
    return np.asarray(box.resize((SIZE, SIZE), Image.Resampling.BILINEAR)) > 96


def reference(char: str, font_path: Path = FONT_PATH) -> np.ndarray:
    font = ImageFont.truetype(str(font_path), 160)
    canvas = Image.new("L", (240, 240), 255)
    ImageDraw.Draw(canvas).text((20, 20), char, font=font, fill=0)
    glyph = _normalise(canvas)
    assert glyph is not None, f"Pillow drew nothing for {char!r}"
    return glyph


def similarity(a: np.ndarray | None, b: np.ndarray | None) -> float:
    """Intersection over union of two ink masks (0 when either is blank)."""
    if a is None or b is None:
        return 0.0
    union = np.logical_or(a, b).sum()
    return float(np.logical_and(a, b).sum() / union) if union else 0.0


def char_boxes(pdf_bytes: bytes, text: str, page_index: int = 0) -> list[tuple[int, int, int, int]]:
    """Where the text layer puts each character of ``text``, in pixels of the SCALE rendering."""
    pdf = pdfium.PdfDocument(pdf_bytes)
    try:
        page = pdf[page_index]
        height = page.get_height()
        textpage = page.get_textpage()
        found = textpage.search(text).get_next()
        assert found is not None, f"{text!r} is not in the text layer of page {page_index + 1}"
        start, count = found
        assert count == len(text)
        boxes = []
        for i in range(count):
            left, bottom, right, top = textpage.get_charbox(start + i)
            boxes.append(
                (
                    int(left * SCALE),
                    int((height - top) * SCALE),
                    int(right * SCALE) + 1,
                    int((height - bottom) * SCALE) + 1,
                )
            )
        return boxes
    finally:
        pdf.close()


def drawn_glyphs(
    pdf_bytes: bytes, boxes: list[tuple[int, int, int, int]], page_index: int = 0
) -> list[np.ndarray | None]:
    """The ink pdfium draws in each box."""
    pdf = pdfium.PdfDocument(pdf_bytes)
    try:
        bitmap = pdf[page_index].render(scale=SCALE).to_pil()
        return [_normalise(bitmap.crop(box)) for box in boxes]
    finally:
        pdf.close()

"""Documents (文书): numbering and rendering (DOMAIN A4, B1.11; issue 6 §6).

The interface the case workflow codes against:

* ``DocumentType`` — the documents of the procedure;
* ``allocate_number(doc_type=, year=, bureau=)`` — the next number of a (bureau, year, type),
  formatted with the configured pattern, e.g. ``大人社监〔2026〕责改字第12号``. Call it inside the
  transaction that stores the issued document: the sequence row stays locked until that
  transaction ends, so numbers are never issued twice, and a rolled-back issue gives its number
  back (gap-free);
* ``render_document(doc_type, context)`` — PDF bytes; ``layouts.SPECS`` lists the keys each type
  reads (``layouts.NoticeContext`` and friends are the typed form of the context).

Configuration: ``save_number_pattern`` / ``delete_number_pattern`` (``document.configure``, the
system administrator), audited. A pattern is looked up for (bureau, type), then (bureau, any
type), then (any bureau, type), then (any, any), then the setting
``LABORGRID_DOCUMENT_NUMBER_PATTERN`` (default ``DEFAULT_PATTERN``).
"""

from __future__ import annotations

import datetime
import string
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from laborgrid.accounts.roles import Cap
from laborgrid.audit.services import record
from laborgrid.core.scope import require_capability
from laborgrid.documents import render as _render
from laborgrid.documents.audit_actions import DocumentAction
from laborgrid.documents.choices import DocumentType
from laborgrid.documents.layouts import SPECS
from laborgrid.documents.models import DocumentNumberPattern, DocumentSequence

if TYPE_CHECKING:
    from laborgrid.accounts.models import User

__all__ = [
    "DEFAULT_PATTERN",
    "DocumentType",
    "allocate_number",
    "delete_number_pattern",
    "format_number",
    "pattern_for",
    "render_document",
    "render_report",
    "save_number_pattern",
]

DEFAULT_PATTERN = "大人社监〔{year}〕{abbr}字第{seq}号"
PLACEHOLDERS = {"year", "abbr", "seq", "bureau"}


def _default_pattern() -> str:
    return str(getattr(settings, "LABORGRID_DOCUMENT_NUMBER_PATTERN", DEFAULT_PATTERN))


def check_pattern(pattern: str) -> None:
    """A pattern uses only ``{year}``, ``{abbr}``, ``{bureau}`` and ``{seq}`` (``{seq}`` is
    required; it may carry a width such as ``{seq:03d}``); no attribute access or conversion, so
    a pattern cannot reach anything but these values."""
    errors: list[str] = []
    seen: set[str] = set()
    try:
        parsed = list(string.Formatter().parse(pattern))
    except ValueError:
        raise ValidationError({"pattern": _("编号格式中的花括号不配对。")}) from None
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in PLACEHOLDERS or conversion:
            errors.append(
                _("不认识的占位符 {%(name)s}：只能使用 {year}、{abbr}、{bureau}、{seq}。")
                % {"name": name}
            )
            continue
        if spec and (name != "seq" or spec.lstrip("0").rstrip("d") not in {"", *"123456"}):
            errors.append(_("只有 {seq} 可以指定位数，例如 {seq:03d}。"))
        seen.add(name)
    if "seq" not in seen:
        errors.append(_("编号格式必须包含序号 {seq}。"))
    if len(pattern) > 100:
        errors.append(_("编号格式不能超过 100 个字。"))
    if errors:
        raise ValidationError({"pattern": errors})


def format_number(
    pattern: str, *, doc_type: DocumentType, year: int, seq: int, bureau: str = ""
) -> str:
    check_pattern(pattern)
    return pattern.format(
        year=year, abbr=SPECS[DocumentType(doc_type)].abbr, seq=seq, bureau=bureau
    )


def pattern_for(doc_type: DocumentType, bureau: str = "") -> str:
    """The pattern in force for a bureau and type (most specific configuration first)."""
    rows = {
        (p.bureau, p.doc_type): p.pattern
        for p in DocumentNumberPattern.objects.filter(
            bureau__in={bureau, ""}, doc_type__in={str(doc_type), ""}
        )
    }
    for key in ((bureau, doc_type), (bureau, ""), ("", doc_type), ("", "")):
        if key in rows:
            return rows[key]
    return _default_pattern()


def allocate_number(*, doc_type: DocumentType, year: int, bureau: str = "") -> str:
    """The next number of (bureau, year, type), formatted (DOMAIN A4: per bureau, year and type).

    Gap-free and concurrency-safe: the sequence row is taken with ``SELECT … FOR UPDATE`` inside
    the caller's transaction (a new row is created under the unique constraint; a concurrent
    creator retries the lock), so two issues never share a number and a rolled-back issue gives
    its number back. Call it in the transaction that records the issued document.
    """
    doc_type = DocumentType(doc_type)
    if not 2000 <= year <= 2200:
        raise ValueError(f"year out of range: {year}")
    pattern = pattern_for(doc_type, bureau)
    with transaction.atomic():
        row = (
            DocumentSequence.objects.select_for_update()
            .filter(bureau=bureau, year=year, doc_type=doc_type)
            .first()
        )
        if row is None:
            try:
                with transaction.atomic():
                    DocumentSequence.objects.create(bureau=bureau, year=year, doc_type=doc_type)
            except IntegrityError:
                pass  # created by a concurrent transaction: lock it below
            row = DocumentSequence.objects.select_for_update().get(
                bureau=bureau, year=year, doc_type=doc_type
            )
        row.last += 1
        row.save(update_fields=["last"])
        return format_number(pattern, doc_type=doc_type, year=year, seq=row.last, bureau=bureau)


def render_document(doc_type: DocumentType, context: Mapping[str, Any]) -> bytes:
    """The document as PDF bytes with the Chinese font embedded.

    ``context`` holds the keys listed for the type in ``layouts.SPECS`` (see ``layouts`` for their
    meaning); a missing required key or an unknown key raises ``ValueError``. Every value is
    printed as plain text. Text with characters the font cannot draw raises
    ``UnprintableText`` (a ``ValueError`` whose message names them): never a PDF with them left
    out.
    """
    doc_type = DocumentType(doc_type)
    return _render.render(doc_type, context, str(doc_type.label))


def render_report(
    *,
    title: str,
    authority: str,
    rows: Sequence[tuple[str, str]],
    sections: Sequence[tuple[str, str]] = (),
    number: str = "",
    date: datetime.date | None = None,
) -> bytes:
    """A report as PDF that is not one of the procedure's numbered documents (an incident's
    closing report, 处置情况报告): the authority and title, a table of labelled facts
    (``rows``), titled paragraphs (``sections``: heading, text), the authority and date — the
    documents' font, line breaking and plain-text rule."""
    return _render.render_report(
        title=title, authority=authority, rows=rows, sections=sections, number=number, date=date
    )


#: Raised by :func:`render_document` for text the font cannot draw.
UnprintableText = _render.UnprintableText


def unprintable_characters(context: Mapping[str, Any]) -> dict[str, str]:
    """Context key → the characters its text holds that the document font cannot draw; check
    before a number is taken."""
    return _render.unprintable(context)


# --- configuration -------------------------------------------------------------------------------


def save_number_pattern(
    *, actor: User, bureau: str, doc_type: str, pattern: str, request: Any = None
) -> DocumentNumberPattern:
    """Set the numbering pattern of a bureau (``""``: all) and type (``""``: all).

    Needs ``document.configure``; audited. Changing a pattern does not restart the sequence: the
    numbers of a (bureau, year, type) run on.
    """
    require_capability(actor, Cap.DOCUMENT_CONFIGURE)
    bureau = (bureau or "").strip()
    pattern = (pattern or "").strip()
    if doc_type and doc_type not in DocumentType.values:
        raise ValidationError({"doc_type": _("请选择文书种类。")})
    if len(bureau) > 20:
        raise ValidationError({"bureau": _("发文机关代码不能超过 20 个字符。")})
    check_pattern(pattern)
    with transaction.atomic():
        row = (
            DocumentNumberPattern.objects.select_for_update()
            .filter(bureau=bureau, doc_type=doc_type)
            .first()
        )
        before = row.pattern if row else None
        row = row or DocumentNumberPattern(bureau=bureau, doc_type=doc_type)
        row.pattern = pattern
        row.updated_by = actor
        row.save()
        record(
            DocumentAction.DOCUMENT_PATTERN_CHANGED,
            actor=actor,
            request=request,
            obj=row,
            detail={"bureau": bureau, "doc_type": doc_type, "before": before, "pattern": pattern},
        )
    return row


def delete_number_pattern(*, actor: User, pk: int, request: Any = None) -> None:
    """Remove a pattern: the next more general one (or the default) applies again. Audited."""
    require_capability(actor, Cap.DOCUMENT_CONFIGURE)
    with transaction.atomic():
        row = DocumentNumberPattern.objects.select_for_update().filter(pk=pk).first()
        if row is None:
            raise ValidationError(_("没有这条编号规则。"))
        record(
            DocumentAction.DOCUMENT_PATTERN_CHANGED,
            actor=actor,
            request=request,
            obj=row,
            detail={
                "bureau": row.bureau,
                "doc_type": row.doc_type,
                "before": row.pattern,
                "pattern": None,
            },
        )
        row.delete()

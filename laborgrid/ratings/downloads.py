"""Answering a download of a letter or a statement file, audited like every file download
(``FILE_DOWNLOADED``), for the staff pages and the employer portal alike. The caller has already
passed the object's gate (``ratings.permissions`` / ``portal.permissions``)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from laborgrid.audit.models import AuditAction
from laborgrid.audit.services import record
from laborgrid.documents.render import UnprintableText
from laborgrid.ratings import letters
from laborgrid.ratings.listing import statement_days


def _private(response: HttpResponse | FileResponse) -> HttpResponse | FileResponse:
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _pdf(request: HttpRequest, obj: Any, data: bytes, filename: str, kind: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    from django.utils.http import content_disposition_header

    response["Content-Disposition"] = content_disposition_header(True, filename) or ""
    record(
        AuditAction.FILE_DOWNLOADED,
        actor=request.user,  # type: ignore[arg-type]
        request=request,
        obj=obj,
        detail={"kind": kind, "file": filename},
    )
    _private(response)
    return response


def grade_letter(request: HttpRequest, grade: Any, back: str) -> HttpResponse:
    try:
        data = letters.grade_letter(grade)
    except (ValidationError, UnprintableText) as exc:
        return _refused(request, exc, back)
    return _pdf(request, grade, data, letters.grade_filename(grade), "grade_letter")


def listing_letter(request: HttpRequest, listing: Any, back: str) -> HttpResponse:
    try:
        data = letters.listing_letter(listing, statement_days())
    except (ValidationError, UnprintableText) as exc:
        return _refused(request, exc, back)
    return _pdf(request, listing, data, letters.listing_filename(listing), "prior_notice")


def _refused(request: HttpRequest, exc: Exception, back: str) -> HttpResponse:
    """No letter (the step was not taken, or a character the font lacks): back to the page,
    with the reason."""
    messages.error(request, "；".join(getattr(exc, "messages", None) or [str(exc)]))
    return redirect(back)


def statement_file(request: HttpRequest, listing: Any, pk: Any) -> FileResponse:
    from laborgrid.ratings.permissions import _pk

    row = listing.statement_files.filter(pk=_pk(pk)).first()
    if row is None:
        raise Http404
    response = FileResponse(
        row.file.open("rb"), as_attachment=True, filename=row.name, content_type=row.content_type
    )
    record(
        AuditAction.FILE_DOWNLOADED,
        actor=request.user,  # type: ignore[arg-type]
        request=request,
        obj=row,
        detail={"kind": "statement_evidence", "listing": listing.pk, "file": row.name},
    )
    _private(response)
    return response

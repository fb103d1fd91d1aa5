"""The single-object gate for cases: 404 for missing and out-of-scope alike (rule 2)."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from laborgrid.accounts.roles import Cap
from laborgrid.cases.models import Case, CaseDocument, CaseRecord
from laborgrid.core.scope import check_write, get_scope


def access_case(user: Any, pk: int | str, capability: str = Cap.WORK_READ) -> Case:
    """The case ``pk`` if ``user`` may see it; 403 when they may see but not change it."""
    text = str(pk)
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        raise Http404
    case = (
        Case.objects.visible_to(user)
        .select_related("grid", "employer", "merged_into", "handler_1", "handler_2")
        .defer("grid__boundary", "grid__search_text")
        .filter(pk=int(text))
        .first()
    )
    if case is None:
        raise Http404
    if capability != Cap.WORK_READ:
        check_write(user, capability, case.grid_path)
    return case


def access_record(case: Case, pk: int) -> CaseRecord:
    record = case.records.filter(pk=pk).first()
    if record is None:
        raise Http404
    return record


def access_document(case: Case, pk: int) -> CaseDocument:
    doc = case.documents.filter(pk=pk).first()
    if doc is None:
        raise Http404
    return doc


#: Documents addressed to the complainant: they name him or her.
COMPLAINANT_DOCUMENTS = frozenset({"acceptance_notice", "rejection_notice", "correction_request"})


def may_see_identity(user: Any, case: Case) -> bool:
    """Whether ``user`` sees who complained or reported without asking: the bureau keeps the
    reporter's identity confidential (条例 Art. 9 para. 3) and complainants' identity is sensitive
    personal information (DOMAIN A6). Only the two handling inspectors (承办人) named on the case
    see names; staff who may reveal personal data where the case lives (``Cap.PII_REVEAL``) see
    them masked and reveal one with a reason, audited (:func:`may_reveal_identity`);
    assistants (协管员) and the read-only leader only ever see them masked."""
    pk = getattr(user, "pk", None)
    if pk is None or pk not in case.handler_ids:
        return False
    return get_scope(user).allows(Cap.WORK_READ, case.grid_path)


def may_reveal_identity(user: Any, case: Case) -> bool:
    """Whether ``user`` may reveal a complainant's name or numbers with a reason (audited)."""
    return get_scope(user).allows(Cap.PII_REVEAL, case.grid_path)


def access_document_file(user: Any, case: Case, pk: int) -> CaseDocument:
    """A document of ``case``; one addressed to the complainant only for the handling
    inspectors and those who may reveal the complainant's identity (404 otherwise, as for a
    document that does not exist; every download is audited)."""
    doc = access_document(case, pk)
    if (
        doc.doc_type in COMPLAINANT_DOCUMENTS
        and not may_see_identity(user, case)
        and not may_reveal_identity(user, case)
    ):
        raise Http404
    return doc

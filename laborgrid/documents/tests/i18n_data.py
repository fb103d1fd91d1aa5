"""Chinese that the documents pages show whatever the UI language: document numbers are part of
the documents (大人社监〔2026〕责改字第12号), not of the interface. The i18n test strips them."""

from __future__ import annotations

from laborgrid.documents.choices import DocumentType
from laborgrid.documents.layouts import SPECS
from laborgrid.documents.models import DocumentNumberPattern
from laborgrid.documents.services import DEFAULT_PATTERN, format_number


def chinese_data(year: int, seqs: range = range(1, 100)) -> set[str]:
    data = {spec.abbr for spec in SPECS.values()}
    patterns = {DEFAULT_PATTERN, *DocumentNumberPattern.objects.values_list("pattern", flat=True)}
    data |= patterns
    for pattern in patterns:
        for doc_type in DocumentType:
            data.update(
                format_number(pattern, doc_type=doc_type, year=year, seq=seq) for seq in seqs
            )
    return data

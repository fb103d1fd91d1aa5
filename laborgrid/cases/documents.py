"""Which documents (文书, B1.11) the case page offers, from ``laborgrid.documents`` when installed."""

from __future__ import annotations

from typing import Any


def available() -> bool:
    from django.apps import apps

    return apps.is_installed("laborgrid.documents")


def document_choices() -> list[tuple[str, Any]]:
    if not available():
        return []
    from laborgrid.documents.services import DocumentType

    return list(DocumentType.choices)

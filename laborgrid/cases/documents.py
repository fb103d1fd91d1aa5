"""Which documents (文书, B1.11) the case page offers, from ``laborgrid.documents`` when installed."""

from __future__ import annotations

from typing import Any


def available() -> bool:
    try:
        from laborgrid.documents import services  # noqa: F401
    except ImportError:
        return False
    return True


def document_choices() -> list[tuple[str, Any]]:
    if not available():
        return []
    from laborgrid.documents.services import DocumentType

    return list(DocumentType.choices)

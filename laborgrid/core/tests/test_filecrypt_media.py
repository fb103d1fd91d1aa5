"""``manage.py encrypt_media`` finds every encrypted file kind by itself."""

from __future__ import annotations

from laborgrid.core.management.commands.encrypt_media import encrypted_file_fields


def test_every_personal_file_kind_is_stored_encrypted() -> None:
    labels = {f"{model._meta.label}.{field.name}" for model, field in encrypted_file_fields()}
    assert {
        "cases.CaseRecord.file",
        "cases.CaseDocument.file",
        "rectifications.RectificationOrder.document",
        "rectifications.OrderFile.file",
        "inspections.Visit.record_file",
        "reviews.ReviewAttachment.file",
        "ratings.StatementFile.file",
    } <= labels

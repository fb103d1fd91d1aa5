"""Every column of sealed tokens is declared, so key rotation and the restore check reach it."""

from __future__ import annotations

from django.apps import apps

from laborgrid.core.management.commands.rotate_field_keys import token_columns


def test_every_token_column_is_declared_for_rotation() -> None:
    declared = {(model._meta.label, column) for model, column, _ctx in token_columns()}
    found = {
        (model._meta.label, field.name)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if field.name.endswith("_enc")
    }
    assert found - declared == set(), "declare these with core.pii.register_sealed"
    assert ("projects.SiteWorker", "id_enc") in declared
    assert ("employers.HistoricalWorker", "id_enc") in declared

"""Chinese that is data on pages showing grading and public-list records (rule-set versions,
reasons, facts and handling as typed, names): what the English page checks (core/tests/test_i18n)
strip before looking for untranslated text."""

from __future__ import annotations

from django.apps import apps
from django.db import models


def data_strings() -> set[str]:
    data: set[str] = set()
    for model in apps.get_app_config("ratings").get_models():
        for field in model._meta.get_fields():
            if isinstance(field, (models.CharField, models.TextField)) and not field.choices:
                data.update(
                    v for v in model._default_manager.values_list(field.name, flat=True) if v
                )
    data.update(part for v in list(data) for part in v.split("·") if part)
    return data

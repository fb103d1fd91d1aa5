"""Every date input renders ISO 8601 (issue 15 item 5).

The browser's ``<input type="date">`` accepts only ``YYYY-MM-DD``. Django's ``zh_Hans`` formats
rendered ``2026/12/06``: the browser showed an empty field, and saving the form erased the stored
date (a 整改期限 was lost). ``FORMAT_MODULE_PATH`` (``laborgrid.core.formats``) puts ISO first.
"""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
import re

import pytest
from django import forms
from django.urls import reverse
from django.utils import translation

import laborgrid
from laborgrid.cases.models import Case
from laborgrid.testing.personas import MAOCHANG, client_for

DAY = dt.date(2026, 12, 6)
SKIP = re.compile(r"\.(tests|migrations|management)(\.|$)|\.conftest$|\.testing\.browser$")


def all_form_classes() -> list[type[forms.BaseForm]]:
    """Every form class defined in ``laborgrid`` (modules imported so that none is missed)."""
    for info in pkgutil.walk_packages(laborgrid.__path__, "laborgrid."):
        if not SKIP.search(info.name):
            importlib.import_module(info.name)
    found: list[type[forms.BaseForm]] = []
    todo: list[type[forms.BaseForm]] = [forms.BaseForm]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("laborgrid."):
                found.append(sub)
    return found


def date_fields() -> list[tuple[str, str, forms.Field]]:
    rows: list[tuple[str, str, forms.Field]] = []
    for cls in all_form_classes():
        declared: dict[str, forms.Field] = getattr(cls, "base_fields", {})
        for name, field in declared.items():
            if isinstance(field, forms.DateField) and not isinstance(field, forms.DateTimeField):
                rows.append((f"{cls.__module__}.{cls.__qualname__}", name, field))
    return rows


def test_the_scan_finds_the_forms_that_lost_dates() -> None:
    names = {f"{form}.{field}" for form, field, _ in date_fields()}
    assert "laborgrid.cases.forms.OutcomeForm.rectification_due" in names
    assert "laborgrid.cases.forms.ActionForm.served_on" in names
    assert "laborgrid.accounts.forms.UserEditForm.account_expires_on" in names
    assert len(names) >= 15


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_date_widget_renders_iso(language: str) -> None:
    wrong = []
    with translation.override(language):
        for form, name, field in date_fields():
            value = field.widget.get_context(name, DAY, {})["widget"]["value"]
            html = field.widget.render(name, DAY)
            if value != "2026-12-06" or 'value="2026-12-06"' not in html:
                wrong.append(f"{form}.{name}: {value!r}")
    assert not wrong, wrong


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_bound_form_renders_iso_and_parses_it_back(language: str) -> None:
    from laborgrid.cases.forms import OutcomeForm

    with translation.override(language):
        form = OutcomeForm(initial={"rectification_due": DAY})
        assert 'value="2026-12-06"' in str(form["rectification_due"])
        posted = OutcomeForm(data={"rectification_due": "2026-12-06"})
        assert posted.is_valid(), posted.errors
        assert posted.cleaned_data["rectification_due"] == DAY


@pytest.mark.django_db
def test_a_saved_rectification_deadline_survives_an_unchanged_save() -> None:
    """GET the case page, POST the outcome form back as the browser would: the date is kept."""
    case = (
        Case.objects.filter(grid_path__contains=f"/{MAOCHANG}/", state="investigating")
        .order_by("pk")
        .first()
    )
    assert case is not None
    Case.objects.filter(pk=case.pk).update(rectification_due=DAY)
    client = client_for("maochang")
    page = client.get(case.get_absolute_url()).content.decode()
    match = re.search(r'<input[^>]*name="rectification_due"[^>]*>', page)
    assert match, "the outcome form is on the page"
    value = re.search(r'value="([^"]*)"', match.group(0))
    assert value and value.group(1) == "2026-12-06"
    response = client.post(
        reverse("cases:outcome_edit", args=[case.pk]),
        {"rectification_due": value.group(1), "rectification_note": "复查中"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.rectification_due == DAY
    assert case.rectification_note == "复查中"

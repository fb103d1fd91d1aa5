"""The inspection pages in the English UI test (core/tests/test_i18n), and the Chinese on them
that is data (campaign names, themes and checklists, notes and names people typed)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.test import Client

from laborgrid.testing.personas import client_for


def _english(username: str) -> Callable[[], Client]:
    def make() -> Client:
        client = client_for(username)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return make


def _demo_plan() -> str:
    from django.utils import timezone

    from laborgrid.inspections.models import PatrolPlan

    plan = PatrolPlan.objects.get(grid__code="520521102", month=timezone.localdate().replace(day=1))
    return plan.get_absolute_url()


def _demo_campaign() -> str:
    from laborgrid.inspections.demo import CAMPAIGN
    from laborgrid.inspections.models import Campaign

    return Campaign.objects.get(name__endswith=CAMPAIGN).get_absolute_url()


def _visit(suffix: str = "", concluded: bool = True) -> Callable[[], str]:
    def url() -> str:
        from laborgrid.inspections.models import Visit

        visit = Visit.objects.filter(status="concluded" if concluded else "recorded").first()
        if visit is None:
            from laborgrid.inspections.tests.helpers import make_visit

            visit = make_visit("520521102", recorder="maochang-a1")
        return visit.get_absolute_url() + suffix

    return url


def _form() -> str:
    from laborgrid.inspections.tests.helpers import employer_in

    return f"/inspections/visits/new/{employer_in('520521102', 2).pk}/"


def _order_form() -> str:
    """The order form of a demo patrol visit with a finding ticked and no order yet."""
    from laborgrid.inspections.models import Visit
    from laborgrid.inspections.selectors import orders_from

    visit = (
        Visit.objects.filter(status="concluded", campaign__isnull=True, findings__to_order=True)
        .exclude(pk__in=orders_from(Visit.objects.all()).values("source_id"))
        .first()
    )
    assert visit is not None
    return f"/inspections/visits/{visit.pk}/order/"


#: (who, client, url, name) — wrapped by test_i18n's ``_page``.
PAGES: list[tuple[str, Callable[[], Client], Any, str | None]] = [
    ("maochang", _english("maochang"), "/inspections/", None),
    ("maochang", _english("maochang"), "/inspections/plans/new/", None),
    ("maochang", _english("maochang"), _demo_plan, "/inspections/plans/<demo>/"),
    ("county", _english("county"), "/inspections/cycle/", None),
    ("county", _english("county"), "/inspections/campaigns/", None),
    ("county", _english("county"), "/inspections/campaigns/new/", None),
    ("maochang", _english("maochang"), _demo_campaign, "/inspections/campaigns/<demo>/"),
    ("maochang", _english("maochang"), "/inspections/visits/", None),
    ("maochang-a1", _english("maochang-a1"), "/inspections/visits/new/", None),
    ("maochang-a1", _english("maochang-a1"), _form, "/inspections/visits/new/<id>/"),
    ("county", _english("county"), _order_form, "/inspections/visits/<id>/order/"),
    ("maochang", _english("maochang"), _visit(), "/inspections/visits/<concluded>/"),
    (
        "county",
        _english("county"),
        _visit("conclude/", False),
        "/inspections/visits/<id>/conclude/",
    ),
    ("maochang", _english("maochang"), "/inspections/stats/", None),
]


def data_strings() -> set[str]:
    from laborgrid.inspections.models import Campaign, PatrolPlan, Visit, VisitFinding

    data: set[str] = set()
    for c in Campaign.objects.all():
        data.update((c.name, c.theme, c.note))
        for item in c.checklist:
            data.update((item.get("label", ""), item.get("basis", "")))
    data.update(PatrolPlan.objects.values_list("title", flat=True))
    for field in ("place", "present", "note", "rep_name", "rep_position", "refusal_reason"):
        data.update(Visit.objects.values_list(field, flat=True))
    data.update(VisitFinding.objects.values_list("label", flat=True))
    data.update(VisitFinding.objects.values_list("note", flat=True))
    data.discard("")
    return data

"""Orders to correct from visits (issue 16 §4): the checklist → violations table mapping, the
API, the visit's evidence as a case receives it, the figures the reports read, the demo."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from laborgrid.accounts.services import issue_token
from laborgrid.cases.violations import VIOLATIONS
from laborgrid.grids.models import Grid
from laborgrid.inspections import checklist as checklists
from laborgrid.inspections import services
from laborgrid.inspections.choices import FindingResult, Signature, VisitStatus
from laborgrid.inspections.demo import CAMPAIGN
from laborgrid.inspections.models import Visit
from laborgrid.inspections.selectors import orders_from
from laborgrid.inspections.tests.helpers import JPEG, make_visit, user
from laborgrid.lib import periods
from laborgrid.rectifications.choices import OrderState
from laborgrid.rectifications.registry import get_source
from laborgrid.reports import rollup
from laborgrid.testing.personas import MACHANG, MAOCHANG, client_for

pytestmark = pytest.mark.django_db


def _concluded(code: str = MAOCHANG, **kw: Any) -> Visit:
    visit = make_visit(code, **kw)
    services.conclude_visit(
        actor=user("county"),
        visit=visit,
        decisions=[
            services.FindingDecision(
                f.key, f.result, f.note, to_order=f.result == FindingResult.VIOLATION
            )
            for f in visit.findings.all()
        ],
        signature=Signature.SIGNED,
        rep_name="李四",
    )
    visit.refresh_from_db()
    return visit


def test_every_checklist_item_maps_to_a_violation_of_the_table() -> None:
    assert set(checklists.VIOLATIONS_OF) == set(checklists.CATALOGUE)
    for key, violations in checklists.VIOLATIONS_OF.items():
        assert violations, key
        for v in violations:
            assert v in VIOLATIONS, (key, v)
            assert checklists.order_text(v), v
    for row in VIOLATIONS.values():  # the order prints them: 《法规》第…条
        assert re.fullmatch(r"(《[^》]+》第[^《》]+条(、第[^《》]+条)*)", row.violated), row
        assert re.fullmatch(r"《[^》]+》第[^《》]+条", row.basis), row
    assert VIOLATIONS["no_real_name"].violated == "《保障农民工工资支付条例》第二十八条"
    assert checklists.violation_of("custom_1") == ""


def test_issue_from_a_visit_refuses_what_was_not_ticked_and_a_second_order() -> None:
    visit = make_visit(MAOCHANG)
    with pytest.raises(ValidationError, match="确认并出具笔录后"):
        services.issue_visit_order(
            actor=user("county"), visit=visit, lines=services.proposed_lines(visit)
        )
    visit = _concluded()
    lines = services.proposed_lines(visit)
    assert [x.violation for x in lines] == ["no_written_contract"]  # contracts: the first item
    ticked = lines[0].key
    other = next(f.key for f in visit.findings.all() if f.key != ticked)
    with pytest.raises(ValidationError, match="不是确认时列入整改的项目"):
        services.issue_visit_order(
            actor=user("county"),
            visit=visit,
            lines=[*lines, services.OrderLine(other, "x" * 5, "wage_arrears")],
        )
    order = services.issue_visit_order(actor=user("county"), visit=visit, lines=lines)
    assert order.source == visit and get_source(visit) is not None
    with pytest.raises(ValidationError, match="已下达责令改正指令书"):
        services.issue_visit_order(actor=user("county"), visit=visit, lines=lines)
    # The order's source on the order page links back to the visit.
    page = client_for("maochang").get(order.get_absolute_url()).content.decode()
    assert visit.get_absolute_url() in page


def test_the_evidence_of_a_visit_is_its_record_and_its_photos_decrypted() -> None:
    from PIL import Image

    visit = make_visit(MAOCHANG)
    services.add_photo(
        actor=user("county"), visit=visit, content=JPEG, content_type="image/jpeg", caption="门口"
    )
    webp = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 10, 10)).save(webp, format="WEBP")
    services.add_photo(
        actor=user("county"), visit=visit, content=webp.getvalue(), content_type="image/webp"
    )
    services.conclude_visit(
        actor=user("county"), visit=visit, decisions=[], signature=Signature.ABSENT
    )
    visit.refresh_from_db()
    files = services.visit_evidence(visit)
    assert [f.content_type for f in files] == ["application/pdf", "image/jpeg", "image/png"]
    with files[0].open() as fh:
        assert fh.read().startswith(b"%PDF")
    with files[1].open() as fh:
        assert fh.read() == JPEG
    assert "门口" in files[1].note
    with files[2].open() as fh:  # a case takes PDF, JPEG and PNG: the WebP arrives as PNG
        assert fh.read().startswith(b"\x89PNG")


class Api:
    def __init__(self, username: str) -> None:
        raw, _token = issue_token(user=user(username))
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    def post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        return self.client.post(
            f"/api/v1/inspections{path}", body or {}, content_type="application/json"
        )


def test_api_issues_the_order_of_a_visit() -> None:
    visit = _concluded()
    path = f"/visits/{visit.pk}/order"
    assert Api("maochang-a1").post(path).status_code == 403  # an assistant decides nothing
    assert Api("machang").post(path).status_code == 404  # another township's visit
    bad = Api("county").post(path, {"items": [{"key": "wages", "violation": "nonsense"}]})
    assert bad.status_code == 422
    r = Api("county").post(path, {"items": [{"key": visit.findings.get(to_order=True).key}]})
    assert r.status_code == 201, r.content
    assert r.json()["state"] == OrderState.OPEN and r.json()["number"]
    assert Api("county").post(path).status_code == 422  # one order per visit
    assert orders_from(Visit.objects.filter(pk=visit.pk)).count() == 1


def test_the_order_page_is_for_certified_inspectors_only() -> None:
    visit = _concluded()
    url = reverse("inspections:visit_order", args=[visit.pk])
    for name in ("maochang-a1", "maochang"):  # an assistant; a squadron leader, no certificate
        told = client_for(name).get(url)
        assert (
            "只有持有效执法证的劳动保障监察员" in told.content.decode()
            and not told.context["form"].lines
        )
        assert client_for(name).post(url, {}).status_code == 403
    detail = client_for("county").get(visit.get_absolute_url()).content.decode()
    assert url in detail
    bad = client_for("county").post(url, {f"use_{visit.findings.get(to_order=True).key}": "on"})
    assert bad.status_code == 422 and "违法行为" in bad.content.decode()  # nothing lost, told why


def test_figures_count_the_visits_and_orders_their_lists_show() -> None:
    visit = _concluded()
    services.issue_visit_order(
        actor=user("county"), visit=visit, lines=services.proposed_lines(visit)
    )
    today = timezone.localdate()
    period = periods.containing(today)
    grid = Grid.objects.get(code=MAOCHANG)
    nodes = rollup.count(grid, period, today)
    figures = nodes[grid.path].rolled
    client = client_for("maochang")
    visits = client.get(
        reverse("inspections:visit_list"),
        {"grid": MAOCHANG, "status": VisitStatus.CONCLUDED, "visited": period.key},
    )
    assert int(figures["visits_done"]) == visits.context["page"].paginator.count > 0
    orders = client.get(
        reverse("rectifications:order_list"), {"grid": MAOCHANG, "issued": period.key}
    )
    assert int(figures["orders_issued"]) == orders.context["page"].paginator.count > 0
    overdue = client.get(
        reverse("rectifications:order_list"), {"grid": MAOCHANG, "state": "open", "overdue": "1"}
    )
    assert int(figures.get("orders_overdue", 0)) == overdue.context["page"].paginator.count
    other = rollup.count(Grid.objects.get(code=MACHANG), period, today)
    assert visit.grid_path not in other
    # The counts page: orders per grid and per inspector beside the visits.
    from laborgrid.inspections import selectors

    by_grid = {
        r["grid__code"]: r for r in selectors.visit_counts_by_grid(user("maochang"), today, today)
    }
    assert by_grid[visit.grid.code]["orders"] >= 1
    people = {
        r["username"]: r
        for r in selectors.visit_counts_by_inspector(user("maochang"), today, today)
    }
    assert people["county"]["orders"] >= 1


def test_demo_orders_issued_from_the_winter_campaign() -> None:
    visits = Visit.objects.filter(campaign__name__endswith=CAMPAIGN)
    orders = list(orders_from(visits))
    states = {o.state for o in orders}
    assert {OrderState.ESCALATED, OrderState.RESPONDED, OrderState.OPEN} <= states
    escalated = next(o for o in orders if o.state == OrderState.ESCALATED)
    assert escalated.case is not None
    names = set(escalated.case.records.values_list("file_name", flat=True))
    visit = escalated.source
    assert isinstance(visit, Visit)
    assert f"{visit.record_number}.pdf" in names and f"{visit.record_number}-1.jpg" in names

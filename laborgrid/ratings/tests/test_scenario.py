"""Done-when (issue 18): the county runs 2026, sees the draft distribution by township with the
evidence behind every C, overrides one with a reason, approves, and the public pages show the
published violations and the blacklist with masked personal data. Plus: townships propose only
their own grids, a rerun gives the same grades, the approved C drives patrol frequency."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from laborgrid.accounts.models import User
from laborgrid.accounts.services import issue_token
from laborgrid.grids.models import Grid
from laborgrid.ratings.choices import GradeState, RunState
from laborgrid.ratings.models import (
    ArrearsListing,
    EmployerGrade,
    GradingRun,
    ListedPerson,
    LocalRule,
)
from laborgrid.testing.personas import COUNTY, MACHANG, MAOCHANG, client_for

pytestmark = pytest.mark.django_db


def _api(username: str) -> Any:
    raw, _t = issue_token(user=User.objects.get(username=username))
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_done_when_county_grades_2026_overrides_approves_and_lists_are_public() -> None:
    GradingRun.objects.filter(year=2026).delete()  # the demo's approved run: start afresh
    county_client = client_for("county")
    # 1. The county runs 2026 (API).
    res = county_client.post(
        "/api/v1/ratings/runs",
        json.dumps({"year": 2026}),
        content_type="application/json",
        **_api("county"),
    )
    assert res.status_code == 201, res.content
    body = res.json()
    run = GradingRun.objects.get(pk=body["id"])
    assert run.state == RunState.DRAFT and body["employers"] == run.grades.count() > 2000
    assert (
        body["counts"]["C"] >= 3
        and body["counts"]["B"] > 50
        and body["counts"]["A"] > body["counts"]["B"]
    )
    # The written review answers its fact (``reviews.grading``): it is not unknown.
    assert "written_review" not in body["unknown_facts"]
    # 2. The draft distribution by township, and the evidence behind every C.
    page = county_client.get(reverse("ratings:run_detail", args=[run.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "猫场镇" in html and "马场镇" in html and "书面审查" in html
    cs = list(run.grades.filter(grade="C"))
    assert all(g.evidence for g in cs), [g.pk for g in cs if not g.evidence]
    for g in cs[:3]:
        assert g.evidence[0]["url"] in html or g.pk  # listed on the page (first 50)
        detail = county_client.get(reverse("ratings:grade_detail", args=[g.pk])).content.decode()
        assert g.evidence[0]["label"] in detail
    # Rerun on the same data: the same grades.
    before = dict(run.grades.values_list("employer_id", "grade"))
    res = county_client.post(
        "/api/v1/ratings/runs",
        json.dumps({"year": 2026}),
        content_type="application/json",
        **_api("county"),
    )
    assert res.status_code == 201 and res.json()["id"] == run.pk
    assert dict(run.grades.values_list("employer_id", "grade")) == before
    # 3. Override one C with a reason (no reason: refused, nothing changed).
    target = run.grades.filter(grade="C").order_by("employer_id").first()
    assert target is not None
    url = reverse("ratings:grade_override", args=[target.pk])
    county_client.post(url, {"grade": "B", "reason": ""})
    target.refresh_from_db()
    assert target.grade == "C"
    county_client.post(url, {"grade": "B", "reason": "复核：已于检查当日补正，情节轻微"})
    target.refresh_from_db()
    assert (target.grade, target.draft_grade, target.override_reason) == (
        "B",
        "C",
        "复核：已于检查当日补正，情节轻微",
    )
    # 4. Squadrons propose their own townships only; approval waits for every township.
    maochang = Grid.objects.get(code=MAOCHANG)
    machang = Grid.objects.get(code=MACHANG)
    mc = client_for("maochang")
    assert (
        mc.post(reverse("ratings:run_propose", args=[run.pk]), {"grid": machang.pk}).status_code
        == 403
    )
    mc.post(reverse("ratings:run_propose", args=[run.pk]), {"grid": maochang.pk})
    assert not run.grades.filter(grid_path__under=maochang.path, state=GradeState.DRAFT).exists()
    assert run.grades.filter(grid_path__under=machang.path, state=GradeState.DRAFT).exists()
    assert mc.post(reverse("ratings:run_approve", args=[run.pk])).status_code == 403
    county_client.post(reverse("ratings:run_approve", args=[run.pk]))
    run.refresh_from_db()
    assert run.state == RunState.DRAFT  # refused: townships still to propose
    for grid in Grid.objects.filter(parent__code=COUNTY):
        county_client.post(reverse("ratings:run_propose", args=[run.pk]), {"grid": grid.pk})
    county_client.post(reverse("ratings:run_approve", args=[run.pk]))
    run.refresh_from_db()
    assert run.state == RunState.APPROVED and run.counts["C"] == body["counts"]["C"] - 1
    target.refresh_from_db()
    assert target.state == GradeState.APPROVED
    assert target.objection_due is not None and target.objection_due > timezone.localdate()
    # The grades API is scoped: 猫场镇 sees its own grids only.
    mine = mc.get("/api/v1/ratings", {"year": "2026", "limit": "500"}, **_api("maochang")).json()
    assert mine["count"] == run.grades.filter(grid_path__under=maochang.path).count()
    assert all(i["grid"].startswith(MAOCHANG) for i in mine["items"])
    only_c = county_client.get(
        "/api/v1/ratings", {"year": "2026", "grade": "C"}, **_api("county")
    ).json()
    assert only_c["count"] == run.counts["C"] and all(i["evidence"] for i in only_c["items"])
    # The archive timeline and the patrol frequency take the approved grade.
    from laborgrid.inspections.cycle import risk_of

    c_grade = run.grades.filter(grade="C").first()
    assert c_grade is not None
    reasons, _score = risk_of([c_grade.employer_id], timezone.localdate())[c_grade.employer_id]
    assert "grade_c" in reasons
    from laborgrid.employers.timeline import timeline

    titles = [e.title for e in timeline(c_grade.employer, 50)]
    assert any("2026年度劳动保障守法诚信等级" in t for t in titles)
    # 5. The public pages, without login: published violations and the blacklist, masked.
    anon = Client()
    violations = anon.get(reverse("publiclists:violations"))
    assert violations.status_code == 200
    listing = ArrearsListing.objects.get(state="published")
    assert listing.decided_on and listing.expires_on
    from laborgrid.ratings.models import ViolationNotice

    notice = ViolationNotice.objects.get(state="published")
    assert notice.name in violations.content.decode() and "第29号" in violations.content.decode()
    black = anon.get(reverse("publiclists:blacklist")).content.decode()
    person = ListedPerson.objects.filter(listing=listing).first()
    assert person is not None and listing.name in black and person.id_masked in black
    from laborgrid.core import pii
    from laborgrid.ratings.listing import ID_CONTEXT

    full = pii.unseal(person.id_enc, context=ID_CONTEXT)
    assert full not in black and full not in person.id_enc and person.name not in black
    api = anon.get("/api/v1/public/blacklist").json()
    assert api["items"][0]["persons"][0]["id_number"] == person.id_masked
    assert anon.get("/api/v1/public/violations").json()["items"][0]["name"] == notice.name


def test_written_review_provider_makes_the_local_rule_fire() -> None:
    from laborgrid.ratings import facts, grading

    GradingRun.objects.filter(year=2026).delete()
    county = Grid.objects.get(code=COUNTY)
    employer_a: Any = None

    def provider(year: int, employers: Any) -> dict[int, tuple[Any, list[Any]]]:
        nonlocal employer_a
        employer_a = employers.order_by("pk").values_list("pk", flat=True)[100]
        return {employer_a: ("not_filed", [])}

    LocalRule.objects.filter(key="review-not-filed").update(enabled=True)
    installed = facts._PROVIDERS.get("written_review")
    facts.register_fact_provider("written_review", provider)
    try:
        run = grading.run_grading(actor=User.objects.get(username="county"), grid=county, year=2026)
    finally:
        facts.unregister_fact_provider("written_review")
        if installed is not None:
            facts.register_fact_provider("written_review", installed)
    g = EmployerGrade.objects.get(run=run, employer_id=employer_a)
    assert "written_review" not in run.unknown_facts
    assert g.grade in ("B", "C") and "local:review-not-filed" in g.hits

"""The assessment's rules: scores come from the evidence rows, published versions never change,
the scheme's validation, deadline judging, staffing against the norm, checks by the county."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from laborgrid.accounts.models import User
from laborgrid.assessment import services
from laborgrid.assessment.choices import AssessmentStatus
from laborgrid.assessment.computations.deadlines import judge
from laborgrid.assessment.demo import DEMO_PHOTO
from laborgrid.assessment.models import Assessment, Evidence, GridScore, PersonScore
from laborgrid.assessment.staffing import staffing
from laborgrid.employers.models import Employer
from laborgrid.grids.choices import GridLevel
from laborgrid.grids.models import Grid
from laborgrid.testing.personas import COUNTY, MACHANG, MAOCHANG, MAOCHANG_VILLAGE

pytestmark = pytest.mark.django_db


def _county() -> Grid:
    return Grid.objects.get(code=COUNTY)


def _user(name: str) -> User:
    return User.objects.get(username=name)


def _published() -> Assessment:
    return Assessment.objects.get(grid__code=COUNTY, status=AssessmentStatus.PUBLISHED)


def test_the_demo_year_ranks_the_40_townships_with_evidence_for_each_score() -> None:
    """Done when: the year's assessment ranks the 40 townships with evidence for each score."""
    a = _published()
    county = _county()
    townships = list(
        GridScore.objects.filter(assessment=a, parent_path=county.path, grid__level="township")
    )
    assert len(townships) == 40
    assert all(s.score is not None and s.rank for s in townships)
    ranks = sorted(townships, key=lambda s: s.rank or 0)
    assert ranks[0].rank == 1
    for better, worse in itertools.pairwise(ranks):
        assert better.score >= worse.score  # type: ignore[operator]
        assert (better.rank or 0) <= (worse.rank or 0)
    weights = [(i["key"], i["weight"]) for i in a.indicators]
    for s in townships:
        # The score is the figures' score, and every figure is the count of its evidence rows.
        assert s.score == services.score_of(s.figures, weights)
        judged = 0
        for key, _w in weights:
            rows = Evidence.objects.filter(
                assessment=a, indicator=key, user__isnull=True, grid_path__under=s.grid_path
            )
            good, counted = s.figures.get(key, [0, 0])
            assert rows.count() == counted, (s.grid_id, key)
            assert rows.filter(good=True).count() == good, (s.grid_id, key)
            judged += counted
        assert judged > 0, s.grid_id


def test_freshness_counts_every_current_employer_of_the_subtree() -> None:
    a = _published()
    maochang = GridScore.objects.get(assessment=a, grid__code=MAOCHANG)
    total = Employer.objects.current().filter(grid_path__under=maochang.grid_path).count()
    assert maochang.figures["freshness"][1] == total > 0


def test_scores_give_full_points_for_an_indicator_without_records() -> None:
    weights = [("a", 60), ("b", 40)]
    assert services.score_of({"a": [1, 2], "b": [0, 0]}, weights) == Decimal("70.00")
    assert services.score_of({"a": [0, 0], "b": [0, 0]}, weights) is None
    assert services.score_of({"a": [2, 2], "b": [1, 4]}, weights) == Decimal("70.00")
    # A person's indicators are scaled to 100.
    assert services.score_of({"a": [1, 2]}, [("a", 25)]) == Decimal("50.00")


def test_ties_share_a_rank() -> None:
    rows = [
        GridScore(grid_path=f"1/{n}/", parent_path="1/", score=Decimal(v))
        for n, v in enumerate(("90", "80", "90", "70"))
    ]
    rows.append(GridScore(grid_path="1/9/", parent_path="1/", score=None))
    services._ranks(rows)
    assert [r.rank for r in rows] == [1, 3, 1, 4, None]


def test_the_scheme_refuses_bad_weights_and_saves_good_ones() -> None:
    county, actor, year = _county(), _user("county"), timezone.localdate().year
    bad = [{"key": "freshness", "weight": 50}, {"key": "deadlines_met", "weight": 40}]
    with pytest.raises(ValidationError) as e:
        services.save_scheme(actor=actor, root=county, year=year, rows=bad)
    assert "合计应为100分" in " ".join(e.value.messages)
    with pytest.raises(ValidationError) as e:
        services.save_scheme(
            actor=actor, root=county, year=year, rows=[{"key": "nope", "weight": 100}]
        )
    assert "未知的考核指标" in " ".join(e.value.messages)
    with pytest.raises(ValidationError):
        services.save_scheme(
            actor=actor, root=county, year=year, rows=[{"key": "freshness", "weight": "x"}]
        )
    good = [
        {"key": "freshness", "label": "数据", "weight": 40},
        {"key": "tasks_done", "weight": 60},
    ]
    scheme = services.save_scheme(actor=actor, root=county, year=year, rows=good)
    assert [(i.key, i.label, i.weight) for i in scheme.indicators.all()] == [
        ("freshness", "数据", 40),
        ("tasks_done", "", 60),
    ]
    with pytest.raises(PermissionDenied):
        services.save_scheme(actor=_user("leader"), root=county, year=year, rows=good)


def test_a_recomputation_is_a_new_version_and_published_scores_never_change() -> None:
    county, actor, year = _county(), _user("county"), timezone.localdate().year
    v1 = _published()
    before = list(GridScore.objects.filter(assessment=v1).values_list("grid_id", "score", "rank"))
    evidence_before = v1.evidence.count()
    services.save_scheme(
        actor=actor, root=county, year=year, rows=[{"key": "freshness", "weight": 100}]
    )
    v2 = services.compute_assessment(actor=actor, root=county, year=year)
    assert (v2.version, v2.status) == (v1.version + 1, AssessmentStatus.DRAFT)
    assert [i["key"] for i in v2.indicators] == ["freshness"]
    with pytest.raises(ValidationError):
        services.publish_assessment(actor=actor, assessment=v2)  # not reviewed yet
    services.review_assessment(actor=actor, assessment=v2, note="核对无误")
    services.publish_assessment(actor=actor, assessment=v2)
    v1.refresh_from_db()
    assert v1.status == AssessmentStatus.SUPERSEDED
    assert (
        list(GridScore.objects.filter(assessment=v1).values_list("grid_id", "score", "rank"))
        == before
    )
    assert v1.evidence.count() == evidence_before
    assert Assessment.objects.get(pk=v2.pk).status == AssessmentStatus.PUBLISHED
    with pytest.raises(ValidationError):
        services.review_assessment(actor=actor, assessment=v2)


def test_only_the_county_computes() -> None:
    year = timezone.localdate().year
    for name in ("leader", "maochang"):
        with pytest.raises(PermissionDenied):
            services.compute_assessment(actor=_user(name), root=_county(), year=year)
    with pytest.raises(ValidationError):
        services.compute_assessment(actor=_user("county"), root=_county(), year=year + 1)


def _deadline(**kw: Any) -> Any:
    base = {"due": dt.date(2026, 3, 10), "due_at": None, "met_on": None, "met_at": None}
    return SimpleNamespace(**{**base, **kw})


def test_deadlines_are_judged_as_of_the_reading_day() -> None:
    as_of = dt.date(2026, 6, 1)
    assert judge(_deadline(met_on=dt.date(2026, 3, 10)), as_of) == "met"
    assert judge(_deadline(met_on=dt.date(2026, 3, 11)), as_of) == "late"
    assert judge(_deadline(), as_of) == "overdue"
    assert judge(_deadline(due=dt.date(2026, 7, 1)), as_of) is None  # not due yet
    # Met after the reading day: still pending then.
    assert judge(_deadline(met_on=dt.date(2026, 6, 5)), as_of) == "overdue"
    due_at = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
    hours = {"due_at": due_at, "met_on": dt.date(2026, 3, 10)}
    assert judge(_deadline(**hours, met_at=due_at - dt.timedelta(hours=1)), as_of) == "met"
    assert judge(_deadline(**hours, met_at=due_at + dt.timedelta(hours=1)), as_of) == "late"


def test_a_persons_deadlines_are_those_of_the_grid_they_hold_a_post_on() -> None:
    a = _published()
    maochang = Grid.objects.get(code=MAOCHANG)
    ps = PersonScore.objects.get(assessment=a, user__username="maochang")
    assert ps.grid_id == maochang.pk
    rows = Evidence.objects.filter(assessment=a, user=ps.user, indicator="deadlines_met")
    assert set(rows.values_list("grid_path", flat=True)) <= {maochang.path}
    assert rows.count() == ps.figures.get("deadlines_met", [0, 0])[1]
    grid_rows = Evidence.objects.filter(
        assessment=a, user__isnull=True, indicator="deadlines_met", grid_path=maochang.path
    )
    assert rows.count() == grid_rows.count()


def test_staff_in_post_against_the_1_plus_2_over_2_norm() -> None:
    township = Grid.objects.get(code=MAOCHANG)
    village = Grid.objects.get(code=MAOCHANG_VILLAGE)
    county = _county()
    result = staffing([township, village, county], timezone.localdate())
    t = {line.role: (line.required, line.in_post) for line in result[township.pk].lines}
    assert t == {"grid_officer": (1, 1), "assistant": (2, 2)}
    assert result[township.pk].met
    v = {line.role: (line.required, line.in_post) for line in result[village.pk].lines}
    assert v == {"assistant": (2, 1)}  # the demo gives each village one of the two assistants
    assert not result[village.pk].met
    assert not result[county.pk].applies


def test_the_county_records_checks_with_a_photo() -> None:
    county, actor, year = _county(), _user("county"), timezone.localdate().year
    village = Grid.objects.get(code=MAOCHANG_VILLAGE)
    check = services.record_check(
        actor=actor,
        root=county,
        grid=village,
        year=year,
        item="office",
        passed=True,
        checked_on=timezone.localdate(),
        photo=DEMO_PHOTO,
    )
    assert check.photo_type == "image/png" and check.photo.name
    with pytest.raises(ValidationError) as e:
        services.record_check(
            actor=actor,
            root=county,
            grid=village,
            year=year,
            item="signage",
            passed=True,
            checked_on=timezone.localdate() + dt.timedelta(days=1),
            photo=b"not an image",
        )
    assert set(e.value.message_dict) == {"checked_on", "photo"}
    for name in ("leader", "maochang"):
        with pytest.raises(PermissionDenied):
            services.record_check(
                actor=_user(name),
                root=county,
                grid=village,
                year=year,
                item="office",
                passed=False,
                checked_on=timezone.localdate(),
            )


def test_acceptance_counts_three_items_per_grid_with_a_norm() -> None:
    a = _published()
    machang = GridScore.objects.get(assessment=a, grid__code=MACHANG)
    grids = Grid.objects.filter(path__under=machang.grid_path, is_active=True).exclude(
        level=GridLevel.COUNTY
    )
    assert machang.figures["acceptance"][1] == 3 * grids.count()


def test_incidents_reported_on_time_reads_the_incidents_report_deadlines() -> None:
    """群体性事件按时报告率: every judged 首报/续报/终报 deadline of the year is one point; a report
    made after its moment counts against."""
    from laborgrid.assessment.computations import incidents
    from laborgrid.assessment.indicators import Context
    from laborgrid.deadlines.models import Deadline
    from laborgrid.incidents.deadline_rules import CONTINUING, FINAL, INITIAL

    today = timezone.localdate()
    ctx = Context(root=_county(), year=today.year, as_of=today)
    ours = Deadline.objects.filter(
        kind__in=[INITIAL, CONTINUING, FINAL], voided=False, due__year=today.year
    )
    met = ours.filter(met_at__isnull=False).exclude(due_at__isnull=True).first()
    assert met is not None, "the demo has a report made"
    assert met.met_at is not None and met.due_at is not None
    points = {p.object_id: p for p in incidents.grid_points(ctx)}
    assert set(points) <= set(ours.values_list("pk", flat=True))
    assert points[met.pk].outcome == ("met" if met.met_at <= met.due_at else "late")
    assert {p.detail for p in points.values()} <= {INITIAL, CONTINUING, FINAL}
    # Reported an hour after its moment: late.
    Deadline.objects.filter(pk=met.pk).update(met_at=met.due_at + dt.timedelta(hours=1))
    late = {p.object_id: p for p in incidents.grid_points(ctx)}[met.pk]
    assert late.outcome == "late" and not late.good
    # The person's points are the grid's, given to the staff in post on that grid.
    people = list(incidents.person_points(ctx))
    assert people and {p.object_id for p in people} <= set(points)
    assert all(p.user_id for p in people)


def test_patrols_done_counts_the_targets_of_ended_months() -> None:
    """巡查计划完成率: a planned employer of a month that has ended is one point, good when a
    concluded visit is recorded against it; months still running and draft plans are not judged."""
    from laborgrid.assessment.computations import patrols
    from laborgrid.assessment.indicators import Context
    from laborgrid.inspections.choices import PlanStatus, VisitStatus
    from laborgrid.inspections.models import PatrolTarget

    today = timezone.localdate()
    targets = PatrolTarget.objects.filter(plan__month__year=today.year).exclude(
        plan__status=PlanStatus.DRAFT
    )
    assert targets.exists(), "the demo plans patrols"
    # Read at the end of the year: every month of the demo's plans has ended.
    ctx = Context(root=_county(), year=today.year, as_of=dt.date(today.year, 12, 31))
    ctx_next = Context(root=_county(), year=today.year, as_of=dt.date(today.year + 1, 1, 2))
    points = {p.object_id: p for p in patrols.grid_points(ctx_next)}
    assert set(points) == set(targets.values_list("pk", flat=True))
    for target in targets.select_related("visit"):
        visited = target.visit is not None and target.visit.status == VisitStatus.CONCLUDED
        assert points[target.pk].good is visited
    # December is still running on 31 December: its plans are not judged yet.
    december = set(targets.filter(plan__month__month=12).values_list("pk", flat=True))
    assert not december & {p.object_id for p in patrols.grid_points(ctx)}


def test_review_filing_rate_reads_the_written_review_list() -> None:
    """审查申报率: every employer on the year's list is a point once it filed or once the window
    closed without a filing; a late filing counts as filed; an open window judges nobody."""
    from laborgrid.assessment.computations import reviews
    from laborgrid.assessment.indicators import Context
    from laborgrid.reviews.choices import FILED
    from laborgrid.reviews.models import ReviewTarget, ReviewYear

    today = timezone.localdate()
    county = _county()
    ctx = Context(root=county, year=today.year, as_of=today)
    listed = ReviewTarget.objects.filter(
        grid_path__under=county.path, review_year__year=today.year, excluded_reason=""
    )
    filed = set(listed.filter(submission__state__in=FILED).values_list("pk", flat=True))
    points = {p.object_id: p for p in reviews.grid_points(ctx)}
    assert filed and set(points) == set(listed.values_list("pk", flat=True))  # window closed
    assert {pk for pk, p in points.items() if p.good} == filed
    assert {p.outcome for pk, p in points.items() if pk not in filed} == {"not_filed"}
    # While the window is open, those who have not filed are not judged.
    ReviewYear.objects.filter(grid=county, year=today.year).update(
        closes_on=today + dt.timedelta(days=10)
    )
    open_points = list(reviews.grid_points(ctx))
    assert {p.object_id for p in open_points} == filed

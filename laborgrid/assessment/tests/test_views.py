"""The assessment pages as people use them: the county's ranking of its townships down to the
records behind a point, a township's own page, configuration, computing, review and
publication, the checklist; and the pages in English."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from laborgrid.accounts.models import User
from laborgrid.assessment import services
from laborgrid.assessment.choices import AssessmentStatus
from laborgrid.assessment.demo import DEMO_PHOTO
from laborgrid.assessment.models import Assessment, ChecklistCheck, Evidence, GridScore, Scheme
from laborgrid.core.jobs import execute_job
from laborgrid.core.models import Job
from laborgrid.grids.models import Grid
from laborgrid.testing.personas import COUNTY, MACHANG, MAOCHANG, MAOCHANG_VILLAGE, client_for

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year


def _rows(html: str) -> list[str]:
    return re.findall(r'<tr data-grid="(\w+)"', html)


def test_the_county_ranks_its_townships_and_drills_down_to_the_records() -> None:
    client = client_for("county")
    html = client.get(reverse("assessment:ranking")).content.decode()
    townships = _rows(html)
    assert len(townships) == 40 and MAOCHANG in townships and MACHANG in townships
    ranks = [int(r) for r in re.findall(r"data-rank>(\d+)<", html)]
    assert ranks == sorted(ranks) and ranks[0] == 1
    # The first township's points for the deadlines link to the records behind them.
    first = townships[0]
    url = re.search(rf'href="(/assessment/grid/{first}/evidence/deadlines_met/[^"]*)"', html)
    score = GridScore.objects.get(assessment__status=AssessmentStatus.PUBLISHED, grid__code=first)
    good, counted = score.figures["deadlines_met"]
    if counted:
        assert url is not None
        page = client.get(url.group(1).replace("&amp;", "&")).content.decode()
        assert f"{good}" in page and f"{counted}" in page
        shown = re.findall(r'data-evidence="(\d+)"', page)
        assert len(shown) == min(counted, 50)
        ids = set(
            Evidence.objects.filter(
                assessment=score.assessment,
                indicator="deadlines_met",
                user__isnull=True,
                grid_path__under=score.grid_path,
            ).values_list("pk", flat=True)
        )
        assert {int(i) for i in shown} <= ids
    # The failing records only.
    against = client.get(
        reverse("assessment:evidence", args=[MAOCHANG, "freshness"]), {"outcome": "against"}
    ).content.decode()
    assert 'data-good="1"' not in against


def test_a_township_sees_its_villages_and_never_another_township() -> None:
    client = client_for("maochang")
    html = client.get(reverse("assessment:ranking")).content.decode()
    villages = _rows(html)
    maochang = Grid.objects.get(code=MAOCHANG)
    assert villages and all(Grid.objects.get(code=c).parent_id == maochang.code for c in villages)
    assert "马场镇" not in html
    assert client.get(reverse("assessment:scorecard", args=[MACHANG])).status_code == 404
    card = client.get(reverse("assessment:scorecard", args=[MAOCHANG])).content.decode()
    assert "data-score>" in card and 'data-indicator="freshness"' in card
    # Its staff's scores link to their own records.
    assert 'data-user="maochang"' in card


def test_a_draft_is_the_countys_until_published() -> None:
    county_user = User.objects.get(username="county")
    draft = services.compute_assessment(
        actor=county_user, root=Grid.objects.get(code=COUNTY), year=YEAR
    )
    # The township keeps seeing the published version.
    html = client_for("maochang").get(reverse("assessment:ranking")).content.decode()
    assert 'data-status="published"' in html
    html = (
        client_for("maochang")
        .get(reverse("assessment:ranking"), {"version": draft.version})
        .content.decode()
    )
    assert 'data-status="draft"' not in html
    # The county picks the draft, reviews and publishes it through its page.
    client = client_for("county")
    html = client.get(reverse("assessment:ranking"), {"version": draft.version}).content.decode()
    assert 'data-status="draft"' in html
    page = client.get(draft.get_absolute_url())
    assert page.status_code == 200
    assert (
        client.post(reverse("assessment:review", args=[draft.pk]), {"note": "ok"}).status_code
        == 302
    )
    assert client.post(reverse("assessment:publish", args=[draft.pk])).status_code == 302
    draft.refresh_from_db()
    assert draft.status == AssessmentStatus.PUBLISHED
    assert (
        Assessment.objects.filter(grid__code=COUNTY, year=YEAR, version=1).get().status
        == AssessmentStatus.SUPERSEDED
    )
    # Publishing twice is refused with a message, nothing changes.
    response = client.post(reverse("assessment:publish", args=[draft.pk]), follow=True)
    assert "须先审核" in response.content.decode()


def test_the_leader_sees_but_cannot_review_or_compute() -> None:
    client = client_for("leader")
    a = Assessment.objects.get(grid__code=COUNTY, status=AssessmentStatus.PUBLISHED)
    html = client.get(reverse("assessment:ranking")).content.decode()
    assert len(_rows(html)) == 40
    assert reverse("assessment:compute") not in html
    assert client.post(reverse("assessment:compute"), {"year": YEAR}).status_code == 403
    assert client.post(reverse("assessment:review", args=[a.pk])).status_code == 403


def test_computing_from_the_page_runs_a_job_that_makes_a_new_version() -> None:
    client = client_for("county")
    before = Assessment.objects.filter(grid__code=COUNTY, year=YEAR).count()
    response = client.post(reverse("assessment:compute"), {"year": YEAR})
    assert response.status_code == 302 and "/jobs/" in response["Location"]
    job = Job.objects.filter(kind="assessment.compute").latest("created_at")
    assert job.get_absolute_url() == response["Location"]
    execute_job(str(job.pk))
    assert Assessment.objects.filter(grid__code=COUNTY, year=YEAR).count() == before + 1
    latest = Assessment.objects.filter(grid__code=COUNTY, year=YEAR).order_by("-version")[0]
    assert (
        latest.status == AssessmentStatus.DRAFT
        and latest.computed_by_id == User.objects.get(username="county").pk
    )


def test_the_county_configures_the_year_and_bad_weights_are_refused() -> None:
    client = client_for("county")
    url = reverse("assessment:config") + f"?year={YEAR}"
    page = client.get(url).content.decode()
    assert 'data-indicator="deadlines_met"' in page
    bad = {
        "use-freshness": "1",
        "weight-freshness": "60",
        "use-tasks_done": "1",
        "weight-tasks_done": "30",
    }
    response = client.post(url, bad)
    assert response.status_code == 400
    html = response.content.decode()
    assert "合计应为100分" in html and 'value="60"' in html  # what was typed is kept
    before = list(
        Scheme.objects.get(grid__code=COUNTY, year=YEAR).indicators.values_list("key", "weight")
    )
    good = {**bad, "weight-tasks_done": "40", "label-freshness": "底数更新"}
    assert client.post(url, good).status_code == 302
    after = Scheme.objects.get(grid__code=COUNTY, year=YEAR)
    assert list(after.indicators.values_list("key", "label", "weight")) == [
        ("freshness", "底数更新", 60),
        ("tasks_done", "", 40),
    ]
    assert before != list(after.indicators.values_list("key", "weight"))
    assert client_for("leader").post(url, good).status_code == 403
    assert client_for("maochang").get(url).status_code == 404


def test_the_checklist_shows_staffing_and_the_county_records_a_check() -> None:
    client = client_for("county")
    home = client.get(reverse("assessment:checklist_home")).content.decode()
    assert len(_rows(home)) >= 40
    url = reverse("assessment:checklist", args=[MAOCHANG_VILLAGE]) + f"?year={YEAR}"
    page = client.get(url).content.decode()
    assert 'data-role="assistant"' in page and "登记网格验收检查" in page
    post = reverse("assessment:record_check", args=[MAOCHANG_VILLAGE])
    data = {
        "year": YEAR,
        "item": "signage",
        "passed": "yes",
        "checked_on": timezone.localdate().isoformat(),
        "note": "标牌齐全",
    }
    before = list(
        ChecklistCheck.objects.filter(grid__code=MAOCHANG_VILLAGE, item="signage").values()
    )
    bad = client.post(post, {**data, "photo": SimpleUploadedFile("a.png", b"nope", "image/png")})
    assert bad.status_code == 400 and "只接受" in bad.content.decode()
    after = ChecklistCheck.objects.filter(grid__code=MAOCHANG_VILLAGE, item="signage").values()
    assert list(after) == before  # nothing changed
    ok = client.post(post, {**data, "photo": SimpleUploadedFile("a.png", DEMO_PHOTO, "image/png")})
    assert ok.status_code == 302
    check = ChecklistCheck.objects.get(grid__code=MAOCHANG_VILLAGE, item="signage", year=YEAR)
    assert check.passed and check.note == "标牌齐全"
    photo = client_for("maochang").get(reverse("assessment:check_photo", args=[check.pk]))
    assert photo.status_code == 200 and photo["Content-Type"] == "image/png"
    assert (
        client_for("machang").get(reverse("assessment:check_photo", args=[check.pk])).status_code
        == 404
    )
    # A township sees its checklist but cannot record checks.
    mine = client_for("maochang").get(url).content.decode()
    assert "登记网格验收检查" not in mine
    assert client_for("maochang").post(post, data).status_code == 403


def _english(username: str) -> Client:
    client = client_for(username)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_pages_read_in_english() -> None:
    """Like core/tests/test_i18n: rendered in English, no Chinese is left but data."""
    from laborgrid.core.tests.test_i18n import _data_strings, _strip_data

    a = Assessment.objects.get(grid__code=COUNTY, status=AssessmentStatus.PUBLISHED)
    person = GridScore.objects.filter(assessment=a, grid__code=MAOCHANG).get()
    urls = [
        reverse("assessment:ranking"),
        reverse("assessment:scorecard", args=[MAOCHANG]),
        reverse("assessment:evidence", args=[MAOCHANG, "deadlines_met"]),
        reverse("assessment:evidence", args=[MAOCHANG, "acceptance"]),
        reverse("assessment:person", args=[User.objects.get(username="maochang").pk]),
        reverse("assessment:config"),
        a.get_absolute_url(),
        reverse("assessment:checklist_home"),
        reverse("assessment:checklist", args=[MAOCHANG]),
    ]
    assert person is not None
    # Longest first: an evidence text holds data strings (a project's name) and goes whole.
    data = sorted(
        set(_data_strings())
        | set(Evidence.objects.filter(assessment=a).values_list("text", flat=True))
        | set(ChecklistCheck.objects.values_list("note", flat=True))
        | {"演示方案", "演示审核"},
        key=len,
        reverse=True,
    )
    chinese = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]")
    for url in urls:
        response = _english("county").get(url)
        assert response.status_code == 200, url
        text = _strip_data(response.content.decode(), data)
        left = chinese.findall(text)
        assert not left, (url, re.findall(r".{0,40}[\u4e00-\u9fff].{0,40}", text)[:5])


def test_the_pages_show_no_developer_text() -> None:
    """What the crawl checks (testing/crawl.py), on this app's pages as the county and a
    township read them."""
    from laborgrid.testing.crawl import developer_text

    a = Assessment.objects.get(grid__code=COUNTY, status=AssessmentStatus.PUBLISHED)
    pages = {
        "county": [
            reverse("assessment:ranking"),
            reverse("assessment:evidence", args=[MAOCHANG, "deadlines_met"]),
            reverse("assessment:evidence", args=[MAOCHANG, "acceptance"]),
            reverse("assessment:config"),
            a.get_absolute_url(),
            reverse("assessment:checklist", args=[MAOCHANG]),
        ],
        "maochang": [
            reverse("assessment:ranking"),
            reverse("assessment:scorecard", args=[MAOCHANG]),
            reverse("assessment:person", args=[User.objects.get(username="maochang").pk]),
            reverse("assessment:checklist_home"),
        ],
    }
    for username, urls in pages.items():
        client = client_for(username)
        for url in urls:
            html = client.get(url).content.decode()
            body = re.sub(r"<script.*?</script>|<style.*?</style>", "", html, flags=re.S)
            text = re.sub(r"<[^>]+>", " ", body)
            assert developer_text(text) == [], (username, url)


def test_the_ranking_and_evidence_pages_run_a_bounded_number_of_queries(
    django_assert_max_num_queries: Any,
) -> None:
    client = client_for("county")
    client.get(reverse("assessment:ranking"))  # warm the session and caches
    with django_assert_max_num_queries(20):
        assert client.get(reverse("assessment:ranking")).status_code == 200
    with django_assert_max_num_queries(20):
        url = reverse("assessment:evidence", args=[COUNTY, "freshness"])
        assert client.get(url).status_code == 200


def test_only_the_county_is_offered_the_indicator_settings() -> None:
    """The menu offers 考核指标设置 to those who can open it: the county, not a township (whose
    request the page answers 404)."""
    link = f'href="{reverse("assessment:config")}"'
    assert link in client_for("county").get("/").content.decode()
    for username in ("maochang", "maochang-a1"):
        client = client_for(username)
        assert link not in client.get("/").content.decode()
        assert client.get(reverse("assessment:config")).status_code == 404

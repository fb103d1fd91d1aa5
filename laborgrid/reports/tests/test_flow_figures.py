"""The written review, the integrity grading and the construction projects' wage ledger on the
dashboard and the returns: each figure is the records' figure and links to the list that holds
exactly what it counts (grid subtree, year or period, state), its filters shown as chips."""

from __future__ import annotations

import html
import io
import re
from decimal import Decimal

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from laborgrid.grids.models import Grid
from laborgrid.lib import periods
from laborgrid.projects.choices import ProjectStatus
from laborgrid.projects.models import ArrearsEntry, Project
from laborgrid.ratings.choices import GradeState
from laborgrid.ratings.models import EmployerGrade
from laborgrid.reports import rollup
from laborgrid.reports.tests.test_dashboard import card
from laborgrid.reviews.choices import FILED, SubmissionState
from laborgrid.reviews.models import ReviewTarget
from laborgrid.testing.personas import COUNTY, MACHANG, MAOCHANG, client_for

pytestmark = pytest.mark.django_db

COUNTED = re.compile(r'id="(?:target|grade)-count">[^<\d]*([\d,]+)')


def listed(body: str) -> int:
    m = COUNTED.search(body)
    assert m, body[:200]
    return int(m.group(1).replace(",", ""))


def total(body: str, name: str) -> Decimal:
    m = re.search(rf'data-total="{name}">([^<]*)<', body)
    assert m, name
    return Decimal(m.group(1).replace(",", ""))


def number(text: str) -> Decimal:
    return Decimal(text.replace(",", "").rstrip("%"))


def expected(grid: Grid) -> dict[str, Decimal]:
    """The figures counted here from the records, independently of the sources."""
    today = timezone.localdate()
    this = periods.containing(today)
    targets = ReviewTarget.objects.filter(
        grid_path__under=grid.path, review_year__year=today.year, excluded_reason=""
    )
    filed = targets.filter(submission__state__in=FILED)
    grades = EmployerGrade.objects.filter(
        grid_path__under=grid.path, year=today.year, state=GradeState.APPROVED
    )
    entries = ArrearsEntry.objects.filter(grid_path__under=grid.path)
    projects = Project.objects.filter(grid_path__under=grid.path)
    registered = [p for p in projects if this.contains(timezone.localtime(p.created_at).date())]
    open_entries = entries.filter(settled_amount__lt=F("amount"))
    in_month = range(this.start.toordinal(), this.end.toordinal() + 1)
    return {
        "reviews_listed": Decimal(targets.count()),
        "reviews_filed": Decimal(filed.count()),
        "reviews_passed": Decimal(targets.filter(submission__state=SubmissionState.PASSED).count()),
        "reviews_returned": Decimal(
            targets.filter(submission__state=SubmissionState.RETURNED).count()
        ),
        "reviews_failed": Decimal(targets.filter(submission__state=SubmissionState.FAILED).count()),
        "reviews_not_filed": Decimal(
            targets.exclude(pk__in=filed.values("pk"))
            .filter(review_year__closes_on__lt=today)
            .count()
        ),
        "grades_a": Decimal(grades.filter(grade="A").count()),
        "grades_b": Decimal(grades.filter(grade="B").count()),
        "grades_c": Decimal(grades.filter(grade="C").count()),
        "projects_registered": Decimal(len(registered)),
        "projects_building": Decimal(projects.filter(status=ProjectStatus.BUILDING).count()),
        "arrears_found": sum(
            (e.amount for e in entries if e.found_on.toordinal() in in_month), Decimal(0)
        ),
        "arrears_settled": sum(
            (
                e.settled_amount
                for e in entries
                if e.settled_on and e.settled_on.toordinal() in in_month
            ),
            Decimal(0),
        ),
        "arrears_outstanding": sum((e.amount - e.settled_amount for e in open_entries), Decimal(0)),
        "arrears_workers": Decimal(sum(e.workers for e in open_entries)),
    }


def test_county_figures_are_the_records_and_link_to_exactly_their_lists() -> None:
    county = Grid.objects.get(code=COUNTY)
    rollup.refresh(county.path)
    client = client_for("county")
    body = client.get(reverse("reports:dashboard", args=[COUNTY])).content.decode()
    want = expected(county)
    # The demo has a review year with filings, an approved grading and a project with arrears.
    assert want["reviews_listed"] > want["reviews_filed"] > 0
    assert want["grades_a"] + want["grades_b"] + want["grades_c"] > 0
    assert want["projects_building"] > 0 and want["arrears_outstanding"] > 0
    for key, value in want.items():
        text, url = card(body, key)
        assert number(text) == value, key
        assert url, key
        page = client.get(url)
        assert page.status_code == 200, (key, url)
        listing = page.content.decode()
        if key.startswith(("reviews_", "grades_")):
            assert listed(listing) == value, key
        elif key.startswith("projects_"):
            assert len(set(re.findall(r'data-project="(\d+)"', listing))) == value, key
        else:
            column = {
                "arrears_found": "amount",
                "arrears_settled": "settled",
                "arrears_outstanding": "owed",
            }.get(key)
            if column:
                assert total(listing, column) == value, key
    # The filing rate is filed / listed.
    rate, _url = card(body, "reviews_rate")
    share = want["reviews_filed"] / want["reviews_listed"] * 100
    assert number(rate) == share.quantize(Decimal("0.1"))


def test_the_lists_show_their_filters_as_chips_and_stay_in_scope() -> None:
    year = timezone.localdate().year
    client = client_for("maochang")
    url = reverse("reviews:targets") + f"?year={year}&grid={MAOCHANG}&show=overdue"
    body = client.get(url).content.decode()
    chips = body[body.index('id="review-filter-chips"') :]
    chips = chips[: chips.index("</div>")]
    assert "猫场镇" in chips and "截止后未申报" in chips
    # Removing the state chip lists the whole township's list of the year.
    without = reverse("reviews:targets") + html.unescape(re.findall(r'href="([^"]+)"', chips)[1])
    assert "show=" not in without and f"grid={MAOCHANG}" in without
    maochang = Grid.objects.get(code=MAOCHANG)
    everyone = ReviewTarget.objects.filter(
        grid_path__under=maochang.path, review_year__year=year, excluded_reason=""
    ).count()
    assert listed(client.get(without).content.decode()) == everyone > 0
    # Another township's grid: nothing (the user's grids only), for each list.
    for other in (
        reverse("reviews:targets") + f"?year={year}&grid={MACHANG}",
        reverse("ratings:grade_list") + f"?year={year}&grid={MACHANG}",
    ):
        assert listed(client.get(other).content.decode()) == 0
    other = client.get(reverse("projects:arrears_list") + f"?grid={MACHANG}").content.decode()
    assert "data-entry=" not in other
    # A grade chip.
    graded = client_for("county").get(
        reverse("ratings:grade_list") + f"?year={year}&grid={COUNTY}&grade=C"
    )
    assert "C级" in graded.content.decode().split('id="grade-filter-chips"')[1][:600]
    # Bad parameters are ignored, not errors.
    for bad in ("?year=abc&show=nonsense", "?found=soon&settled=x&open=2"):
        assert client.get(reverse("reviews:targets") + bad).status_code == 200
        assert client.get(reverse("projects:arrears_list") + bad).status_code == 200


def test_a_change_in_the_records_shows_after_the_recount() -> None:
    """The table is rebuilt from the records: a filing passed moves one employer from 'filed'
    awaiting review to 'passed' at the next count; the list behind it is live."""
    county = Grid.objects.get(code=COUNTY)
    rollup.refresh(county.path)
    client = client_for("county")
    url = reverse("reports:dashboard", args=[COUNTY])
    before, _ = card(client.get(url).content.decode(), "reviews_passed")
    target = (
        ReviewTarget.objects.filter(
            grid_path__under=county.path,
            review_year__year=timezone.localdate().year,
            excluded_reason="",
            submission__state=SubmissionState.SUBMITTED,
        )
        .select_related("submission")
        .first()
    )
    assert target is not None, "the demo has a filing awaiting review"
    type(target.submission).objects.filter(pk=target.submission.pk).update(
        state=SubmissionState.PASSED
    )
    rollup.refresh(county.path)
    after, link = card(client.get(url).content.decode(), "reviews_passed")
    assert number(after) == number(before) + 1
    assert link and listed(client.get(link).content.decode()) == number(after)


def test_the_return_and_the_api_carry_the_written_review() -> None:
    """The return's fixed layout has the written review (and the grades and the ledger): lines
    drafted from the records, in the XLSX; the API gives the same figures."""
    county = Grid.objects.get(code=COUNTY)
    maochang = Grid.objects.get(code=MAOCHANG)
    last = periods.containing(timezone.localdate()).previous()
    client = client_for("county")
    data = client.get("/api/v1/returns", {"period": last.key, "grid": MAOCHANG}).json()
    lines = {line["key"]: line for line in data["lines"]}
    targets = ReviewTarget.objects.filter(
        grid_path__under=maochang.path, review_year__year=last.end.year, excluded_reason=""
    )
    assert lines["reviews_listed"]["drafted"] == targets.count() > 0
    assert lines["reviews_filed"]["drafted"] == targets.filter(submission__state__in=FILED).count()
    # (a ratio is not a line: the page and the files derive it from its two lines)
    for key in ("reviews_passed", "reviews_not_filed", "grades_c", "arrears_found"):
        assert key in lines, key
    leader = client_for("leader")
    dash = leader.get("/api/v1/dashboard", {"grid": COUNTY}).json()
    by_key = {f["key"]: f for f in dash["figures"]}
    assert by_key["reviews_listed"]["value"] == expected(county)["reviews_listed"]
    assert by_key["reviews_rate"]["url"].startswith(reverse("reviews:targets"))
    assert by_key["grades_a"]["url"].startswith(reverse("ratings:grade_list"))
    assert by_key["arrears_outstanding"]["url"].startswith(reverse("projects:arrears_list"))
    # The return page and its XLSX, in the fixed layout.
    page = client.get(reverse("reports:return_detail", args=[COUNTY, last.key])).content.decode()
    assert "书面审查申报率" in page and "截止后未申报" in page
    squadron = client_for("maochang")
    drafted = squadron.post(
        f"/api/v1/returns?period={last.key}&grid={MAOCHANG}",
        {"action": "draft"},
        content_type="application/json",
    )
    assert drafted.status_code == 200
    xlsx = squadron.get(reverse("reports:return_download", args=[MAOCHANG, last.key, "xlsx"]))
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    cells = {str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None}
    assert {"书面审查", "书面审查已申报", "诚信等级评价", "项目欠薪未清偿"} <= cells


def test_a_county_recount_carried_up_equals_a_full_recount() -> None:
    """``refresh_subtree``: a township's records change, only its subtree is counted and the
    difference is carried up the ancestors' rows; the table then equals a whole recount."""
    from laborgrid.reports.models import FigureValue

    county = Grid.objects.get(code=COUNTY)
    maochang = Grid.objects.get(code=MAOCHANG)
    root = rollup.tree_root(county)
    rollup.refresh(root)

    def table() -> dict[tuple[str, object, str], Decimal]:
        return {
            (r.grid_path, r.month, r.key): r.value
            for r in FigureValue.objects.filter(grid_path__under=root)
        }

    target = (
        ReviewTarget.objects.filter(
            grid_path__under=maochang.path, submission__state=SubmissionState.SUBMITTED
        )
        .select_related("submission")
        .first()
    )
    assert target is not None
    type(target.submission).objects.filter(pk=target.submission.pk).update(
        state=SubmissionState.FAILED
    )
    entry = ArrearsEntry.objects.filter(grid_path__under=maochang.path).first()
    assert entry is not None
    ArrearsEntry.objects.filter(pk=entry.pk).update(settled_amount=0, settled_on=None)
    rollup.refresh_subtree(maochang.path)
    carried = table()
    county_failed = carried[
        (county.path, periods.containing(timezone.localdate()).start, "reviews_failed")
    ]
    assert county_failed >= 1
    rollup.refresh(root)
    assert carried == table()


def test_the_lists_behind_the_figures_read_a_bounded_number_of_queries() -> None:
    """A full page of each list costs the same few queries whatever the rows (no query per row:
    grid, employer, submission and reminders come joined or prefetched)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    year = timezone.localdate().year
    client = client_for("county")
    for url in (
        reverse("reviews:targets") + f"?year={year}&grid={COUNTY}",
        reverse("reviews:targets") + f"?year={year}&grid={COUNTY}&show=reminded",
        reverse("ratings:grade_list") + f"?year={year}&grid={COUNTY}",
        reverse("projects:arrears_list") + f"?grid={COUNTY}",
        reverse("projects:project_list") + f"?grid={COUNTY}",
    ):
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200, url
        assert len(ctx.captured_queries) <= 15, (url, [q["sql"] for q in ctx.captured_queries])

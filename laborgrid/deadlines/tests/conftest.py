"""A test kind registered on grids (a model of no flow), removed afterwards."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from laborgrid.deadlines import registry
from laborgrid.deadlines.choices import Unit
from laborgrid.grids.models import Grid

HOURS_KIND = "test.report_hours"
DAYS_KIND = "test.review_days"


@pytest.fixture
def test_kinds() -> Iterator[None]:
    registry.register_subject(
        Grid, describe=lambda g: f"测试对象 {g.name}", url=lambda g: "/grids/"
    )
    registry.register_kind(
        HOURS_KIND, model=Grid, label="测试报告时限", amount=24, unit=Unit.HOURS, basis="测试"
    )
    registry.register_kind(
        DAYS_KIND, model=Grid, label="测试审查期限", amount=60, unit=Unit.WORKING, basis="测试"
    )
    yield
    registry._rules.pop(HOURS_KIND, None)
    registry._rules.pop(DAYS_KIND, None)
    registry._subjects.pop("grids.grid", None)

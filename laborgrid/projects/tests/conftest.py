"""Projects test helpers: a 猫场镇 site registered by the squadron, started some months ago."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from laborgrid.accounts.models import User
from laborgrid.employers.models import Employer
from laborgrid.projects import services
from laborgrid.projects.models import Project
from laborgrid.testing.personas import MAOCHANG


def employers_in(code: str, n: int) -> list[Employer]:
    return list(
        Employer.objects.current()
        .filter(grid_path__contains=f"/{code}/")
        .exclude(uscc__isnull=True)
        .order_by("-id")[:n]
    )


@pytest.fixture
def squadron(db: Any) -> User:
    return User.objects.get(username="maochang")


@pytest.fixture
def make_project(squadron: User) -> Callable[..., Project]:
    def make(days_ago: int = 70, **extra: Any) -> Project:
        gc, sub = employers_in(MAOCHANG, 2)
        data: dict[str, Any] = {
            "name": "测试项目",
            "grid": gc.grid.code,
            "client_name": "某建设单位",
            "general_contractor": gc.pk,
            "subcontractors": [{"employer": sub.pk}],
            "contract_sum": "3000000",
            "starts_on": timezone.localdate() - dt.timedelta(days=days_ago),
            **extra,
        }
        return services.register_project(actor=squadron, data=data)

    return make

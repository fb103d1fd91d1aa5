"""Builders for incident tests, going through the real services."""

from __future__ import annotations

import uuid
from typing import Any

from laborgrid.accounts.models import User
from laborgrid.grids.models import Grid
from laborgrid.incidents import services
from laborgrid.incidents.models import Incident

JPEG = b"\xff\xd8\xff\xe0" + b"scene" * 40


def make_incident(
    grid_code: str, *, reporter: str = "maochang", people: int = 12, **extra: Any
) -> Incident:
    incident, _created = services.report_incident(
        actor=User.objects.get(username=reporter),
        client_key=extra.pop("client_key", uuid.uuid4()),
        grid=Grid.objects.get(code=grid_code),
        employer_name=extra.pop("employer_name", f"测试建筑公司 {grid_code}"),
        people=people,
        **extra,
    )
    return incident

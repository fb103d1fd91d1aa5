"""``make_*`` builders for the employer registry, going through the real services."""

from __future__ import annotations

import itertools
from typing import Any

from laborgrid.accounts.models import User
from laborgrid.employers import services
from laborgrid.employers.models import Employer, LabourSnapshot, Worker
from laborgrid.grids.models import Grid
from laborgrid.lib.identifiers import org_code_check_digit, uscc_check_digit

_seq = itertools.count(1)


def make_uscc(n: int | None = None, *, prefix: str = "91520521") -> str:
    """A valid USCC (GB 32100) with a valid embedded organisation code, distinct per ``n``."""
    n = next(_seq) + 70000000 if n is None else n
    body8 = f"{n % 100000000:08d}"
    org = body8 + org_code_check_digit(body8)
    body = prefix + org
    return body + uscc_check_digit(body)


def make_ric(n: int = 1, *, birth: str = "19900101", area: str = "520521") -> str:
    """A valid 18-digit ID number (GB 11643)."""
    from laborgrid.lib.identifiers import _ric_check  # the tested check-digit routine

    body = f"{area}{birth}{n % 1000:03d}"
    return body + _ric_check(body)


def make_employer(
    grid_code: str,
    *,
    actor: str | User = "county",
    name: str | None = None,
    **data: Any,
) -> Employer:
    user = actor if isinstance(actor, User) else User.objects.get(username=actor)
    grid = Grid.objects.get(code=grid_code)
    n = next(_seq)
    payload = {
        "name": name or f"测试用人单位{n}号有限公司",
        "employer_type": "enterprise",
        "industry": "C",
        "address": "",
        **data,
    }
    return services.create_employer(actor=user, data=payload, grid=grid, confirm_not_duplicate=True)


def make_snapshot(
    employer: Employer, *, actor: str | User = "county", **data: Any
) -> LabourSnapshot:
    user = actor if isinstance(actor, User) else User.objects.get(username=actor)
    payload = {"employees": 10, "contracts_signed": 10, **data}
    return services.record_snapshot(actor=user, employer=employer, data=payload)


def make_worker(employer: Employer, *, actor: str | User = "county", **data: Any) -> Worker:
    user = actor if isinstance(actor, User) else User.objects.get(username=actor)
    payload = {
        "name": "张三",
        "id_number": make_ric(next(_seq)),
        "started_on": "2024-01-01",
        "contract_term": "open_ended",
        **data,
    }
    return services.add_worker(actor=user, employer=employer, data=payload)

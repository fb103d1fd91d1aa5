"""The cases part of the 大方县 demo: inspectors' certificates and a few hundred cases.

``seed_cases`` is called at the end of ``laborgrid.site.demo.seed_demo``. Certificates go to the
county brigade (``county``, ``brigade-1``…``brigade-4``): only they investigate and sign (A1). The
cases are written set-based (bulk inserts of cases, complainants, transitions and deadlines, the
deadlines computed through ``laborgrid.workdays``), spread over every township and every state,
some overdue. Idempotent: nothing is added once the demo cases exist.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from time import perf_counter

from django.db import transaction
from django.utils import timezone

from laborgrid.accounts.models import User
from laborgrid.cases.models import Case, InspectorCertificate

CERTIFIED = ("county", "brigade-1", "brigade-2", "brigade-3", "brigade-4")


def assign_two_handlers(actor: User, case: Case | None) -> None:
    """A case opened by a demo's escalation gets its two 承办人 the same day, as the brigade does:
    the acting inspector first when certified, then the next certified colleague."""
    from laborgrid.cases.services import assign_handlers, certified_users_for

    if case is None:
        return
    people = sorted(certified_users_for(case), key=lambda u: (u.pk != actor.pk, u.pk))
    if len(people) >= 2:
        assign_handlers(actor=actor, case=case, handler_1=people[0], handler_2=people[1])


def seed_certificates() -> int:
    """Demo 执法证 for the county brigade (idempotent); returns how many were added."""
    added = 0
    today = timezone.localdate()
    for n, username in enumerate(CERTIFIED, start=1):
        user = User.objects.filter(username=username).first()
        if user is None or InspectorCertificate.objects.filter(user=user).exists():
            continue
        InspectorCertificate.objects.create(
            user=user,
            number=f"贵劳监证（演示）{520521000 + n}",
            issued_on=today - timedelta(days=700),
            valid_to=today + timedelta(days=1100),
        )
        added += 1
    return added


def seed_cases(log: Callable[[str], None] = print) -> None:
    started = perf_counter()
    added = seed_certificates()
    if added:
        log(f"执法证：新增 {added} 本（演示）")
    from laborgrid.cases.demo_cases import generate_cases

    with transaction.atomic():
        rng = random.Random(520521)  # noqa: S311  (deterministic demo data, not security)
        n = generate_cases(rng, today=timezone.localdate())
    if n:
        log(f"案件：模拟 {n} 件，用时 {perf_counter() - started:.1f} 秒")


__all__ = ["CERTIFIED", "date", "seed_cases", "seed_certificates"]

"""The 大方县 demo: every app's registered seeder (``laborgrid.core.extensions.DemoSeeder``), in
order, in one transaction. Idempotent: running it again changes nothing already there."""

from __future__ import annotations

from django.db import transaction

from laborgrid.core.extensions import Log, demo_seeders


@transaction.atomic
def seed_demo(log: Log = print) -> None:
    for seeder in demo_seeders():
        seeder.seed(log)

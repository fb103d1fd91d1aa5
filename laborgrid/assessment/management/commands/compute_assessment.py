"""``manage.py compute_assessment --county 520521 --year 2026 --user county``: compute a new
version of a year's grid assessment (a draft, as the button on the ranking page does)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from laborgrid.accounts.models import User
from laborgrid.assessment import services
from laborgrid.grids.models import Grid


class Command(BaseCommand):
    help = "Compute a new (draft) version of a county's grid assessment for a year."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--county", required=True, help="county grid code")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument(
            "--user", required=True, help="username of the county inspector computing it"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        county = Grid.objects.filter(code=options["county"]).first()
        if county is None:
            raise CommandError(f"no grid {options['county']!r}")
        actor = User.objects.filter(username=options["user"], is_active=True).first()
        if actor is None:
            raise CommandError(f"no active user {options['user']!r}")
        try:
            a = services.compute_assessment(actor=actor, root=county, year=options["year"])
        except PermissionDenied as exc:
            raise CommandError(
                f"{actor.username} may not compute {county.code}'s assessment"
            ) from exc
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        scored = a.grids.filter(score__isnull=False).count()
        self.stdout.write(
            f"{county.code} {a.year}: version {a.version} ({a.status}), "
            f"{scored} grids scored, {a.evidence.count()} evidence records"
        )

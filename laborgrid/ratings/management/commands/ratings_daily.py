"""The daily run of the public lists: flag new 部令29号 candidates (decisions that became final)
and move blacklist entries past their 3 years off the list (部令45号)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from laborgrid.ratings import listing, publicity


class Command(BaseCommand):
    help = "Flag publication candidates and expire blacklist entries"

    def handle(self, *args: Any, **opts: Any) -> None:
        flagged = publicity.flag_candidates()
        expired = listing.expire_listings()
        self.stdout.write(f"candidates flagged: {flagged}; listings expired: {expired}")

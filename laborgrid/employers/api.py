"""``/api/v1/employers``: the registry, scoped exactly like the pages."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["employers"])

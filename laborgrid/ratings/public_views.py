"""The public lists (no login, phone-friendly): the major violations published each quarter
(部令29号) and the wage-arrears blacklist in force (部令45号), with responsible persons masked.
Rate-limited per IP like the public tracking page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET

from laborgrid.audit.services import client_ip
from laborgrid.cases.services import Throttled
from laborgrid.cases.services.intake import throttle_ip
from laborgrid.ratings.publicity import published
from laborgrid.ratings.selectors import public_listings

app_name = "publiclists"
LIMIT = 200


def _throttled(request: HttpRequest) -> HttpResponse | None:
    try:
        throttle_ip(client_ip(request), scope="lists")
    except Throttled as exc:
        return render(
            request, "ratings/public/throttled.html", {"message": exc.messages[0]}, status=429
        )
    return None


@require_GET
def violations(request: HttpRequest) -> HttpResponse:
    if (r := _throttled(request)) is not None:
        return r
    items = list(published()[:LIMIT])
    quarters: dict[str, list[object]] = {}
    for n in items:
        quarters.setdefault(n.quarter, []).append(n)
    return render(request, "ratings/public/violations.html", {"quarters": quarters})


@require_GET
def blacklist(request: HttpRequest) -> HttpResponse:
    if (r := _throttled(request)) is not None:
        return r
    return render(
        request,
        "ratings/public/blacklist.html",
        {"items": list(public_listings(timezone.localdate())[:LIMIT])},
    )


urlpatterns: list[URLPattern] = [
    path("violations/", violations, name="violations"),
    path("blacklist/", blacklist, name="blacklist"),
]

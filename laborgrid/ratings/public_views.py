"""The public lists (no login, phone-friendly): the major violations published each quarter
(部令29号) and the wage-arrears blacklist in force (部令45号), with responsible persons masked.
Rate-limited per IP like the public tracking page."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET

from laborgrid.audit.services import client_ip
from laborgrid.cases.services import Throttled
from laborgrid.cases.services.intake import throttle_ip
from laborgrid.ratings.publicity import published
from laborgrid.ratings.selectors import PUBLIC_SEARCH_MAX, public_listings, search_public

app_name = "publiclists"
PER_PAGE = 20


def _throttled(request: HttpRequest) -> HttpResponse | None:
    try:
        throttle_ip(client_ip(request), scope="lists")
    except Throttled as exc:
        return render(
            request, "ratings/public/throttled.html", {"message": exc.messages[0]}, status=429
        )
    return None


def _page(request: HttpRequest, qs: Any) -> dict[str, Any]:
    """One page of a public list (``?page=``, numbered; a bad or too-large number shows the
    nearest page) searched by name or USCC (``?q=``)."""
    q = request.GET.get("q", "").strip()[:PUBLIC_SEARCH_MAX]
    page = Paginator(search_public(qs, q), PER_PAGE).get_page(request.GET.get("page"))
    numbers = list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
    return {
        "page": page,
        "numbers": numbers,
        "q": q,
        "query": urlencode({"q": q}) if q else "",
    }


@require_GET
def violations(request: HttpRequest) -> HttpResponse:
    if (r := _throttled(request)) is not None:
        return r
    ctx = _page(request, published())
    quarters: dict[str, list[object]] = {}
    for n in ctx["page"].object_list:
        quarters.setdefault(n.quarter, []).append(n)
    return render(request, "ratings/public/violations.html", {**ctx, "quarters": quarters})


@require_GET
def blacklist(request: HttpRequest) -> HttpResponse:
    if (r := _throttled(request)) is not None:
        return r
    ctx = _page(request, public_listings(timezone.localdate()))
    return render(request, "ratings/public/blacklist.html", {**ctx, "items": ctx["page"]})


urlpatterns: list[URLPattern] = [
    path("violations/", violations, name="violations"),
    path("blacklist/", blacklist, name="blacklist"),
]

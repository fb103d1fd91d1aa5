"""Refuse input containing NUL characters before it reaches any view.

PostgreSQL text cannot hold NUL (0x00): a query parameter, form field, URL or JSON string with one
would reach a query and fail there as a server error (found by fuzzing the API). Django's form
fields already refuse NUL; this is the one choke point for everything else (query strings read
directly, URL parts, JSON bodies).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.translation import gettext as _

NUL = "\x00"


def _has_nul(request: HttpRequest) -> bool:
    if NUL in request.path:
        return True
    for key, values in request.GET.lists():
        if NUL in key or any(NUL in v for v in values):
            return True
    content_type = request.content_type or ""
    if content_type == "application/json":
        body = request.body
        return b"\x00" in body or b"\\u0000" in body
    if request.method == "POST" and content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        for key, values in request.POST.lists():
            if NUL in key or any(NUL in v for v in values):
                return True
    return False


class RejectNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request):
            return HttpResponseBadRequest(_("请求中含有不允许的空字符（NUL）。"))
        return self.get_response(request)

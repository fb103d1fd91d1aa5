"""Refuse input containing NUL characters before it reaches any view.

PostgreSQL text cannot hold NUL (0x00): a query parameter, form field, URL or JSON string with one
would reach a query and fail there as a server error (found by fuzzing the API). Django's form
fields already refuse NUL; this is the one choke point for everything else (query strings read
directly, URL parts, JSON bodies).
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.translation import gettext as _

NUL = "\x00"


def _has_nul(request: HttpRequest) -> bool:
    if NUL in request.path:
        return True
    for key, values in request.GET.lists():
        if NUL in key or any(NUL in v for v in values):
            return True
    content_type = (request.content_type or "").lower()
    if content_type == "multipart/form-data":
        # Files may hold NUL bytes; the fields may not. (The body is not read whole here.)
        if request.method == "POST":
            for key, values in request.POST.lists():
                if NUL in key or any(NUL in v for v in values):
                    return True
        return False
    if request.method in ("GET", "HEAD", "OPTIONS") and not request.META.get("CONTENT_LENGTH"):
        return False
    # Every other body — JSON and its variants (+json, text/json), forms on any method, plain
    # text — as raw bytes, percent- and JSON-escaped forms included (issue 21 item 10: only JSON
    # bodies were inspected).
    try:
        body = request.body
    except RequestDataTooBig:
        # Too large to hold: not ours to refuse as NUL; whoever reads it answers 413.
        return False
    if b"\x00" in body:
        return True
    if content_type.endswith("json") and b"\\u0000" in body.lower():
        return True
    return content_type == "application/x-www-form-urlencoded" and b"%00" in body


class RejectNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request):
            return HttpResponseBadRequest(_("请求中含有不允许的空字符（NUL）。"))
        return self.get_response(request)


class MissingFileMiddleware:
    """A stored file that a record points to but the disk no longer has answers **410 Gone** with
    an explanation, not a server error (issue 21 item 3: after a restore without the uploaded
    files, every evidence file, document and photo answered 500).

    The record is there and the person may see it (the view's access check has passed); only the
    file is gone. ``manage.py verify_restore`` lists every such file; ``restore`` puts them back
    from a backup made with ``manage.py backup``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, FileNotFoundError):
            return None
        import logging

        from django.shortcuts import render

        logging.getLogger(__name__).error(
            "stored file missing for %s: %s", request.path, exception.filename
        )
        message = _(
            "该记录的附件文件已不在服务器上（可能在恢复备份时未包含上传文件）。"
            "记录本身未受影响。请联系系统管理员从备份中恢复上传文件。"
        )
        if request.path.startswith("/api/"):
            from django.http import JsonResponse

            return JsonResponse({"detail": message}, status=410)
        return render(request, "410.html", {"message": message}, status=410)

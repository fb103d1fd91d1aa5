"""Under ``/api/`` every error is JSON ``{"detail": ...}``: never an HTML page.

Ninja's own handlers (laborgrid.api.api) cover errors raised inside endpoints; this middleware is
the choke point for the rest — unknown paths, wrong methods, the lockout response of django-axes,
CSRF failures — whatever produced them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from http import HTTPStatus

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

API_PREFIX = "/api/"


def _message(status: int) -> str:
    messages = {
        400: _("请求无效"),
        401: _("需要登录或有效的令牌"),
        403: _("无权执行此操作"),
        404: _("未找到"),
        405: _("不支持该请求方法"),
        429: _("登录失败次数过多，账号已被暂时锁定。"),
    }
    if status in messages:
        return str(messages[status])
    if status >= 500:
        return str(_("服务器内部错误"))
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return str(status)


class ApiJsonErrorsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(API_PREFIX) or response.status_code < 400:
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        replacement = JsonResponse(
            {"detail": _message(response.status_code)},
            status=response.status_code,
            json_dumps_params={"ensure_ascii": False},
        )
        for header in ("Allow", "WWW-Authenticate", "Retry-After"):
            if header in response:
                replacement[header] = response[header]
        return replacement


def api_not_found(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    return HttpResponse(
        json.dumps({"detail": _message(404)}, ensure_ascii=False),
        status=404,
        content_type="application/json",
    )

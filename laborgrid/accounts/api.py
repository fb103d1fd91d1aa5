"""``/api/v1/auth``: obtain and revoke bearer tokens, and who am I."""

from __future__ import annotations

import datetime as dt
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from laborgrid.accounts import mfa, services
from laborgrid.accounts.models import ApiToken, hash_token
from laborgrid.core.scope import get_scope
from laborgrid.core.types import AuthedRequest

router = Router(tags=["auth"])


class TokenIn(Schema):
    username: str
    password: str
    otp: str = ""  # the current code of the authenticator app, for accounts with two-factor sign-in
    name: str = ""


class TokenOut(Schema):
    token: str
    token_type: str = "Bearer"  # noqa: S105 - the OAuth token type, not a secret
    expires_at: dt.datetime


class MeOut(Schema):
    username: str
    full_name: str
    roles: list[str]
    grids: list[str]


class Message(Schema):
    detail: str


@router.post(
    "/token", auth=None, response={200: TokenOut, 401: Message, 403: Message, 429: Message}
)
def obtain_token(request: HttpRequest, payload: TokenIn) -> Status[dict[str, Any]]:
    """Exchange username and password for an expiring bearer token (the login lockout applies)."""
    locked = {"detail": _("登录失败次数过多，账号已被暂时锁定。")}
    if AxesProxyHandler.is_locked(request, credentials={"username": payload.username}):
        return Status(429, locked)
    user = authenticate(request, username=payload.username, password=payload.password)
    if getattr(request, "axes_locked_out", False):
        return Status(429, locked)
    if user is None:
        return Status(401, {"detail": _("用户名或密码错误")})
    # A successful sign-in clears the failure count, as on the login page (AXES_RESET_ON_SUCCESS).
    AxesProxyHandler.user_logged_in(None, request, user)
    if user.password_expired():
        return Status(403, {"detail": _("须先在网页上修改密码（初始密码或密码已过期）")})
    if mfa.mfa_needed(user):
        if mfa.confirmed_device(user) is None:
            return Status(403, {"detail": _("须先在网页上绑定动态口令")})
        if not mfa.verify_sign_in(user=user, token=payload.otp, request=request):
            return Status(401, {"detail": _("需要正确的动态口令（otp）")})
    raw, token = services.issue_token(user=user, name=payload.name, request=request)
    return Status(200, {"token": raw, "expires_at": token.expires_at})


@router.delete("/token", response={204: None})
def revoke_token(request: AuthedRequest) -> Status[None]:
    """Revoke the bearer token this request was made with."""
    header = request.headers.get("Authorization", "")
    raw = header.split(" ", 1)[1].strip() if header.lower().startswith("bearer ") else ""
    token = (
        ApiToken.objects.filter(key_hash=hash_token(raw), user=request.user).first()
        if raw
        else None
    )
    if token is None:
        raise HttpError(400, _("请求未使用 Bearer 令牌"))
    services.revoke_token(actor=request.user, token=token, request=request)
    return Status(204, None)


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> dict:
    from laborgrid.grids.selectors import user_grids

    user = request.user
    return {
        "username": user.get_username(),
        "full_name": getattr(user, "full_name", ""),
        "roles": sorted(get_scope(user).roles),
        "grids": [g.code for g in user_grids(user)],
    }

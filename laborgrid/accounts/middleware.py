"""Session policy on every request: absolute session lifetime and forced password change.

Two-factor sign-in: an account that must give a TOTP code (``mfa.mfa_needed``) reaches nothing but
the enrol/verify pages until it has. The idle timeout is Django's own (SESSION_COOKIE_AGE with SESSION_SAVE_EVERY_REQUEST); a page that
keeps polling would keep an idle session alive forever, so sessions also end a fixed number of hours
after sign-in (ASVS 7.3.2).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from laborgrid.accounts import mfa

ALLOWED_PREFIXES = ("/static/", "/i18n/", "/api/", "/healthz")
LOGIN_AT = "laborgrid_login_at"


@receiver(user_logged_in)
def _stamp_login(sender: object, request: HttpRequest | None, **kwargs: object) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT] = int(time.time())


class SessionPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.get(LOGIN_AT)
            if started is None:  # a session from before this policy: its lifetime starts now
                request.session[LOGIN_AT] = started = int(time.time())
            max_age = settings.LABORGRID_SESSION_MAX_HOURS * 3600
            if time.time() - started > max_age:
                logout(request)
                if request.path.startswith("/api/"):  # the API answers 401 JSON itself
                    return self.get_response(request)
                messages.info(request, _("登录已超过最长有效时间，请重新登录。"))
                return redirect(f"{reverse(settings.LOGIN_URL)}?next={request.path}")
            mfa_paths = {
                reverse("accounts:mfa_setup"),
                reverse("accounts:mfa_verify"),
                reverse("accounts:logout"),
            }
            exempt = request.path in mfa_paths or request.path.startswith(ALLOWED_PREFIXES)
            if not exempt and not user.is_verified() and mfa.mfa_needed(user):
                target = (
                    "accounts:mfa_verify" if mfa.confirmed_device(user) else "accounts:mfa_setup"
                )
                return redirect(f"{reverse(target)}?next={request.path}")
            if user.password_expired():
                allowed = {reverse("accounts:password_change"), reverse("accounts:logout")}
                if request.path not in allowed and not request.path.startswith(ALLOWED_PREFIXES):
                    messages.warning(request, _("请先修改密码（初始密码或密码已超过有效期）。"))
                    return redirect("accounts:password_change")
        return self.get_response(request)

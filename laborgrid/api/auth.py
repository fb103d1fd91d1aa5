"""API authentication: bearer tokens (integrators, the phone app) or the browser session."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from laborgrid.accounts import mfa
from laborgrid.accounts.services import user_for_token

#: The only API paths an employer account may use (issue 17 §7): its own portal and its token.
EMPLOYER_API_PREFIXES = ("/api/v1/portal/", "/api/v1/auth/")


def refuse_employer_accounts(request: HttpRequest, user: Any) -> None:
    """An employer account is not staff: every staff endpoint answers 403 to it, whatever the
    endpoint's own checks would say (one choke point for session and token alike)."""
    if getattr(user, "employer_id", None) is not None and not request.path.startswith(
        EMPLOYER_API_PREFIXES
    ):
        raise PermissionDenied


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is None:
            return None
        refuse_employer_accounts(request, user)
        request.user = user
        return user


class ActiveSessionAuth(SessionAuth):
    """Session auth (CSRF-checked for unsafe methods by ninja)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is None or not user.is_active:
            return None
        # A session that has not passed the second factor is not signed in for the API either.
        if mfa.mfa_needed(user) and not user.is_verified():
            return None
        if user.password_expired():  # must change the password on the web first
            return None
        refuse_employer_accounts(request, user)
        return user


api_auth = [TokenAuth(), ActiveSessionAuth()]

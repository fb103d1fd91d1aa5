"""API authentication: bearer tokens (integrators, the phone app) or the browser session."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from laborgrid.accounts import mfa
from laborgrid.accounts.services import user_for_token


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is None:
            return None
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
        return user


api_auth = [TokenAuth(), ActiveSessionAuth()]

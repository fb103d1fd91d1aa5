"""Typing helpers."""

from __future__ import annotations

from django.http import HttpRequest

from laborgrid.accounts.models import User


class AuthedRequest(HttpRequest):
    """A request behind ``login_required`` (or API auth): ``request.user`` is a real User."""

    user: User  # narrowed from User | AnonymousUser

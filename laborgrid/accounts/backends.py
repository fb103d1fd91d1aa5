"""Authentication backend: Django's model backend, refusing expired accounts."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend


class LaborgridBackend(ModelBackend):
    def user_can_authenticate(self, user: Any) -> bool:
        # Checked at login and on every request (get_user): a disabled or expired account's
        # sessions end at once (ASVS 7.4.2).
        if not super().user_can_authenticate(user):
            return False
        return not user.account_expired()

"""Password rules for 等保 level 3 (身份鉴别 a): length, character classes, not the username.

ASVS 5 advises against composition rules; 等保 requires them. The deviation is documented in
docs/security.md.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def character_classes(password: str) -> int:
    classes = [
        any(c.islower() for c in password),
        any(c.isupper() for c in password),
        any(c.isdigit() for c in password),
        any(not c.isalnum() for c in password),
    ]
    return sum(classes)


class CharacterClassesValidator:
    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        if character_classes(password) < self.min_classes:
            raise ValidationError(
                _("密码须包含大写字母、小写字母、数字、符号中的至少 %(n)d 类。")
                % {"n": self.min_classes},
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _("至少包含大写字母、小写字母、数字、符号中的 %(n)d 类。") % {"n": self.min_classes}


class NotUsernameValidator:
    """The password may not be, contain or reverse the username."""

    def validate(self, password: str, user: Any = None) -> None:
        username = (getattr(user, "username", "") or "").lower()
        if not username:
            return
        low = password.lower()
        if username in low or username[::-1] in low:
            raise ValidationError(_("密码不能包含用户名。"), code="password_contains_username")

    def get_help_text(self) -> str:
        return _("不能包含用户名。")

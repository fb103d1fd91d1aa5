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


# Letters commonly swapped for look-alike digits and symbols ("P@ssw0rd").
_LEET = str.maketrans(
    {"@": "a", "4": "a", "0": "o", "1": "i", "!": "i", "3": "e", "$": "s", "5": "s", "7": "t"}
)
# Runs that people type instead of choosing: the alphabet, digits, keyboard rows and columns
# (shifted rows too), read forwards and backwards.
_SEQUENCES = (
    "abcdefghijklmnopqrstuvwxyz",
    "0123456789",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "!@#$%^&*()_+",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik,9ol.0p;/",
    "!qaz@wsx#edc$rfv%tgb^yhn&ujm*ik<(ol>)p:?",
)
_MIN_RUN = 3
# Pinyin and English words seen again and again in leaked Chinese password lists, and the words
# of this application, next to Django's list of 20,000 common passwords.
_WEAK_WORDS = frozenset(
    [
        "admin",
        "administrator",
        "root",
        "user",
        "test",
        "guest",
        "demo",
        "welcome",
        "letmein",
        "changeme",
        "iloveyou",
        "password",
        "passwd",
        "pass",
        "mima",
        "woaini",
        "aini",
        "nihao",
        "zhongguo",
        "china",
        "beijing",
        "shanghai",
        "guizhou",
        "laborgrid",
        "laodong",
        "jiancha",
        "laodongjiancha",
        "renshe",
        "wangge",
        "wanggehua",
        "xiezhu",
        "xieguan",
        "qwerty",
        "asdf",
        "zxcv",
        "abc",
        "abcd",
        "abcdef",
    ]
)


def _strip_affixes(password: str) -> str:
    """The letters a password is built on: digits and symbols removed from both ends."""
    return password.lower().strip("0123456789!@#$%^&*()_+-=[]{};:'\",.<>/?\\|`~ ")


def _sequence_chars(password: str) -> int:
    """How many characters of the password lie in runs of ≥ 3 keyboard/alphabet neighbours or repeats."""
    low = password.lower()
    covered = [False] * len(low)
    i = 0
    while i < len(low) - 1:
        j = i + 1
        # a repeat (aaa, 111) or a step along one of the sequences, either way
        while j < len(low) and (
            low[j] == low[j - 1] or any(_adjacent(s, low[j - 1], low[j]) for s in _SEQUENCES)
        ):
            j += 1
        if j - i >= _MIN_RUN:
            for k in range(i, j):
                covered[k] = True
            i = j
        else:
            i += 1
    return sum(covered)


def _adjacent(sequence: str, a: str, b: str) -> bool:
    ia, ib = sequence.find(a), sequence.find(b)
    return ia >= 0 and ib >= 0 and abs(ia - ib) == 1


class CommonPatternValidator:
    """Refuse passwords built from a common word, a keyboard run, the username or the demo password.

    Composition rules alone let ``Password123!`` and the published demo password through: both
    have four character classes. Guessing tools try a common word (Django's list, pinyin words,
    the application's own words and ``context_words``, e.g. the county's name in pinyin) with
    digits or symbols around it and look-alike swaps (``P@ssw0rd``), and keyboard runs
    (``Qwer1234!@#$``, ``1qaz2wsx``); so does this check (ASVS 6.2.4, SECURITY.md 身份鉴别 a).
    """

    def __init__(self, context_words: list[str] | None = None, max_sequence_rest: int = 2) -> None:
        from django.contrib.auth.password_validation import CommonPasswordValidator

        self.common = CommonPasswordValidator().passwords | _WEAK_WORDS
        self.context_words = [w.lower() for w in (context_words or []) if len(w) >= 4]
        self.max_sequence_rest = max_sequence_rest

    def validate(self, password: str, user: Any = None) -> None:
        from django.conf import settings

        demo = getattr(settings, "LABORGRID_DEMO_PASSWORD", "")
        if demo and password == demo:
            # seed_demo creates the demo accounts with it; nobody may choose it afterwards
            if getattr(user, "is_demo", False) and getattr(user, "pk", None) is None:
                return
            raise ValidationError(_("不能使用公开的演示密码。"), code="password_is_demo")
        core = _strip_affixes(password)
        username = (getattr(user, "username", "") or "").lower()
        candidates = {core, core.translate(_LEET), password.lower().translate(_LEET)}
        candidates |= {_strip_affixes(c) for c in set(candidates)}
        words = self.context_words + ([username] if len(username) >= 3 else [])
        if len(password) - _sequence_chars(password) <= self.max_sequence_rest:
            raise ValidationError(
                _(
                    "密码主要由键盘或字母、数字的连续序列或重复字符构成（如 qwer、1234、aaaa），请换一个。"
                ),
                code="password_keyboard_sequence",
            )
        if any(c in self.common for c in candidates if c) or any(
            w in c for w in words for c in candidates
        ):
            raise ValidationError(
                _("密码由常见单词、拼音、地名或用户名加数字、符号构成，容易被猜中，请换一个。"),
                code="password_common_pattern",
            )

    def get_help_text(self) -> str:
        return _("不能是常见单词、拼音或地名加数字、符号，也不能是键盘上的连续字符。")

"""Joining words in the user's language: Chinese enumerates with 、 and separates clauses with ；,
English uses commas and semicolons. The separators are translated strings, so code never writes
Chinese punctuation into an English page (``core/tests/test_i18n.py`` checks pages for it)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _
from django.utils.translation import pgettext


def enumeration(items: Iterable[object]) -> str:
    """``甲、乙、丙`` / ``A, B, C``."""
    return pgettext("list separator", "、").join(str(i) for i in items)


def clauses(items: Iterable[object]) -> str:
    """``甲；乙`` / ``A; B``."""
    return pgettext("clause separator", "；").join(str(i) for i in items)


def labelled(label: object, value: object) -> str:
    """``标签：值`` / ``Label: value``."""
    return _("%(label)s：%(value)s") % {"label": label, "value": value}

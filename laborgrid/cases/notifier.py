"""Telling the complainant (issue §7): a pluggable notifier named by ``LABORGRID_CASE_NOTIFIER``.

The demo's ``LoggingNotifier`` writes a log line with the case reference and the masked phone;
a deployment plugs in its SMS gateway or e-mail sender by naming a class with the same ``send``.
The message never carries staff names or another party's data.
"""

from __future__ import annotations

import logging
from functools import cache
from typing import Any, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("laborgrid.cases.notifier")

DEFAULT = "laborgrid.cases.notifier.LoggingNotifier"


class Notifier(Protocol):
    def send(self, *, case: Any, complainant: Any, message: str) -> None: ...


class LoggingNotifier:
    """Logs instead of sending (demo, tests). ``sent`` keeps the last messages for tests."""

    sent: list[tuple[str, str, str]] = []

    def send(self, *, case: Any, complainant: Any, message: str) -> None:
        entry = (case.reference, complainant.phone_masked, message)
        LoggingNotifier.sent.append(entry)
        del LoggingNotifier.sent[:-100]
        logger.info("notify complainant of case %s at %s: %s", *entry)


@cache
def _notifier(path: str) -> Notifier:
    notifier: Notifier = import_string(path)()
    return notifier


def get_notifier() -> Notifier:
    return _notifier(getattr(settings, "LABORGRID_CASE_NOTIFIER", DEFAULT))

"""Alerts outside the app (SMS, a duty phone, a government messaging platform): a pluggable
alerter named by the setting ``LABORGRID_INCIDENT_ALERTER`` (default ``LoggingAlerter``).

The in-app notification always goes out (``notifications.services.notify``); the alerter is
called after commit with the same people. The demo's ``LoggingAlerter`` writes a log line with
the incident reference and the usernames; a deployment names a class with the same ``send``
(reading each user's phone from their account). The message carries no personal numbers.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import cache
from typing import Any, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("laborgrid.incidents.notifier")

DEFAULT = "laborgrid.incidents.notifier.LoggingAlerter"


class Alerter(Protocol):
    def send(self, *, incident: Any, users: Sequence[Any], message: str) -> None: ...


class LoggingAlerter:
    """Logs instead of sending (demo, tests). ``sent`` keeps the last alerts for tests."""

    sent: list[tuple[str, tuple[str, ...], str]] = []

    def send(self, *, incident: Any, users: Sequence[Any], message: str) -> None:
        entry = (incident.reference, tuple(u.username for u in users), message)
        LoggingAlerter.sent.append(entry)
        del LoggingAlerter.sent[:-100]
        logger.info("incident %s alert to %s: %s", entry[0], ", ".join(entry[1]), message)


@cache
def _alerter(path: str) -> Alerter:
    alerter: Alerter = import_string(path)()
    return alerter


def get_alerter() -> Alerter:
    return _alerter(getattr(settings, "LABORGRID_INCIDENT_ALERTER", DEFAULT))

"""Notifications are personal: one's own list, one's own "read"."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from laborgrid.accounts.models import User
from laborgrid.notifications.models import Notification
from laborgrid.notifications.services import notify, unread_count
from laborgrid.testing.personas import client_for

pytestmark = pytest.mark.django_db


def test_notify_once_per_user_and_only_active_users() -> None:
    maochang = User.objects.get(username="maochang")
    machang = User.objects.get(username="machang")
    assert notify([maochang, maochang, machang, None], title="测试通知", url="/cases/") == 2
    assert (
        unread_count(maochang) == Notification.objects.filter(user=maochang, read_at=None).count()
    )


def test_nobody_reads_or_marks_another_users_notifications(
    django_capture_on_commit_callbacks: Any,
) -> None:
    machang = User.objects.get(username="machang")
    with django_capture_on_commit_callbacks(execute=True):
        notify([machang], title="马场镇的通知")
    other = Notification.objects.get(user=machang, title="马场镇的通知")
    client = client_for("maochang")
    assert (
        "马场镇的通知"
        not in client.get(reverse("notifications:notification_list")).content.decode()
    )
    client.post(reverse("notifications:notification_read"), {"id": other.pk})
    other.refresh_from_db()
    assert other.read_at is None


def test_next_is_limited_to_this_site() -> None:
    client = client_for("maochang")
    response = client.post(
        reverse("notifications:notification_read"), {"next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("notifications:notification_list")

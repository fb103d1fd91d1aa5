"""The user's own notifications: a list and "mark as read". Nobody sees another's."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from laborgrid.core.types import AuthedRequest
from laborgrid.notifications import services
from laborgrid.notifications.models import Notification


@login_required
@require_GET
def notification_list(request: AuthedRequest) -> HttpResponse:
    qs = Notification.objects.filter(user=request.user)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/notification_list.html",
        {"page": page, "unread": services.unread_count(request.user)},
    )


@login_required
@require_POST
def notification_read(request: AuthedRequest) -> HttpResponse:
    raw = request.POST.get("id", "")
    ids = [int(raw)] if raw.isdigit() else None
    services.mark_read(actor=request.user, ids=ids)
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:notification_list")


app_name = "notifications"
urlpatterns: list[URLPattern] = [
    path("", notification_list, name="notification_list"),
    path("read/", notification_read, name="notification_read"),
]

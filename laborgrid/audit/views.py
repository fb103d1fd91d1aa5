"""The audit log for the 审计管理员: filter, page, export (the export itself is audited)."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterator

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from laborgrid.accounts.roles import Cap
from laborgrid.audit.models import AuditAction, AuditEvent, AuditResult
from laborgrid.audit.registry import action_choices, is_registered
from laborgrid.audit.services import record
from laborgrid.core.scope import require_capability
from laborgrid.core.types import AuthedRequest

EXPORT_LIMIT = 200_000


def _parse_date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def filtered_events(request: HttpRequest) -> tuple[QuerySet[AuditEvent], dict[str, str]]:
    qs = AuditEvent.objects.all()
    params = {
        k: request.GET.get(k, "").strip() for k in ("action", "username", "result", "start", "end")
    }
    if is_registered(params["action"]):
        qs = qs.filter(action=params["action"])
    if params["result"] in AuditResult.values:
        qs = qs.filter(result=params["result"])
    if params["username"]:
        qs = qs.filter(username__icontains=params["username"])
    tz = timezone.get_current_timezone()
    if start := _parse_date(params["start"]):
        qs = qs.filter(at__gte=dt.datetime.combine(start, dt.time.min, tzinfo=tz))
    if end := _parse_date(params["end"]):
        qs = qs.filter(
            at__lt=dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        )
    return qs.order_by("-id"), params


@login_required
@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    require_capability(request.user, Cap.AUDIT_READ)
    qs, params = filtered_events(request)
    page = Paginator(qs, 100).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in params.items() if v})
    return render(
        request,
        "audit/event_list.html",
        {
            "page": page,
            "params": params,
            "query": query,
            "actions": action_choices(),
            "results": AuditResult.choices,
        },
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


@login_required
@require_GET
def event_export(request: AuthedRequest) -> StreamingHttpResponse:
    require_capability(request.user, Cap.AUDIT_READ)
    qs, params = filtered_events(request)
    record(AuditAction.AUDIT_EXPORTED, actor=request.user, request=request, detail=params)
    writer = csv.writer(_Echo())
    header = [
        _("编号"),
        _("时间"),
        _("用户名"),
        _("IP 地址"),
        _("事件"),
        _("结果"),
        _("对象类型"),
        _("对象"),
        _("详情"),
        _("哈希"),
    ]
    results = dict(AuditResult.choices)

    def rows() -> Iterator[str]:
        yield "\ufeff" + writer.writerow(header)
        for e in qs[:EXPORT_LIMIT].iterator(chunk_size=2000):
            yield writer.writerow(
                [
                    e.pk,
                    timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"),
                    e.username,
                    e.ip or "",
                    e.action_label,
                    results.get(e.result, e.result),
                    e.object_type,
                    e.object_id,
                    json.dumps(e.detail, ensure_ascii=False, sort_keys=True) if e.detail else "",
                    e.hash,
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    return response

"""Server side of the offline forms (``laborgrid/static/laborgrid/offline-form.js``).

A form marked ``data-lg-offline`` is posted by the script with ``fetch`` and the header
``X-LG-Offline: 1``, at once when there is network, later from the device's queue when there was
not. The view handles it like any POST, with three differences the helpers below make:

* it must be **idempotent** on the form's ``client_key`` (a UUID the page generated before the
  first attempt): the same key again answers the first result, never a second record;
* success answers ``done(request, url)``: for the script a JSON ``{"ok": true, "url": …}`` (the
  page then goes there, or the queue marks the item sent), for a plain browser post a redirect;
* a form that does not validate answers ``invalid_response(form)``: 422 with the messages per
  field, which the script shows beside the fields, keeping everything typed and every chosen file
  (or, for an item sent from the queue, keeps it and shows the messages in the queue).

A view may use ``render_or_invalid`` to do the last two in one step.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

HEADER = "HTTP_X_LG_OFFLINE"


def is_replay(request: HttpRequest) -> bool:
    """Whether the offline-form script sent this request (now or from its queue)."""
    return request.META.get(HEADER) == "1"


def done(request: HttpRequest, url: str) -> HttpResponse:
    """The answer to a stored (or already stored) offline form: where its record is."""
    if is_replay(request):
        return JsonResponse({"ok": True, "url": url})
    return redirect(url)


def invalid_response(form: forms.BaseForm) -> JsonResponse:
    """422 with the form's messages: ``{"detail": …, "errors": {field: [message, …]}}``, the
    form-wide messages under ``"__all__"``."""
    errors = {
        field: [str(e["message"]) for e in messages]
        for field, messages in form.errors.get_json_data().items()
    }
    return JsonResponse({"detail": _("请按提示修改后再提交。"), "errors": errors}, status=422)


def render_or_invalid(
    request: HttpRequest, form: forms.BaseForm, template: str, context: dict[str, Any]
) -> HttpResponse:
    """A form that did not validate: 422 for the script, the page with its messages otherwise."""
    if is_replay(request):
        return invalid_response(form)
    return render(request, template, context, status=200)

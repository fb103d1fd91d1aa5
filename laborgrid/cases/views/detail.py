"""The case page and its writes: actions, investigation records, outcome, documents, re-routing,
merging, and the audited reveal of a complainant's number.

Gates: ``access_case`` (404 outside the user's grids); writes need ``work.write`` where the case
lives (403 for leaders, checked before any input is read); the services check the rest (handler
role, certificate, state). Buttons show only the actions the state machine allows.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from laborgrid.accounts.models import User
from laborgrid.accounts.roles import Cap
from laborgrid.audit.models import AuditAction
from laborgrid.audit.services import record
from laborgrid.cases import actions as case_actions
from laborgrid.cases import clock, services
from laborgrid.cases.choices import (
    NEEDS_APPROVER,
    OPEN_STATES,
    PRE_FILING_STATES,
    Action,
    RecordKind,
)
from laborgrid.cases.documents import available as documents_available
from laborgrid.cases.documents import preview as document_preview
from laborgrid.cases.forms import (
    ActionForm,
    DocumentForm,
    MergeForm,
    OutcomeForm,
    PreservationDecisionForm,
    RecordForm,
    RerouteForm,
    RevealForm,
)
from laborgrid.cases.models import Case, CaseRecord
from laborgrid.cases.permissions import (
    access_case,
    access_document_file,
    access_record,
    may_reveal_identity,
    may_see_identity,
)
from laborgrid.cases.services.common import certified_users_for, is_handler
from laborgrid.cases.services.deadlines import countdown
from laborgrid.core.forms import ask_again_for_files, attach_errors
from laborgrid.core.scope import get_scope
from laborgrid.core.types import AuthedRequest
from laborgrid.grids.models import Grid
from laborgrid.grids.permissions import breadcrumb


def _approvers(case: Case) -> list[Any]:
    from laborgrid.accounts.models import GridAssignment
    from laborgrid.cases.services.procedure import APPROVER_ROLES
    from laborgrid.core.paths import path_codes

    ids = GridAssignment.objects.current().filter(
        grid__code__in=path_codes(case.grid_path), role__in=APPROVER_ROLES
    )
    return list(
        User.objects.filter(pk__in=ids.values("user_id"), is_active=True).order_by("username")
    )


def _context(request: AuthedRequest, case: Case) -> dict[str, Any]:
    scope = get_scope(request.user)
    can_write = scope.allows(Cap.WORK_WRITE, case.grid_path)
    handler = can_write and is_handler(request.user, case)
    today = clock.today()
    allowed = services.allowed_actions(case) if handler else []
    allowed = [a for a in allowed if a in case_actions.PARAMS]
    inspectors = certified_users_for(case) if can_write else []
    approvers = _approvers(case) if can_write else []
    show_identity = may_see_identity(request.user, case)
    return {
        "case": case,
        "crumbs": breadcrumb(request.user, case.grid),
        "complainants": list(case.complainants.all()),
        "transitions": list(case.transitions.select_related("actor", "approver")),
        "deadlines": [countdown(d, today) for d in case.deadlines.all()],
        "records": _records(case, today),
        "documents": list(case.documents.select_related("issued_by")),
        "merged_cases": list(case.merged_cases.all()),
        "duplicates": services.find_duplicates(case)
        if case.state in PRE_FILING_STATES and can_write
        else [],
        "can_write": can_write,
        "handler": handler,
        "can_reveal": may_reveal_identity(request.user, case) and not show_identity,
        "can_reveal_numbers": may_reveal_identity(request.user, case),
        "show_identity": show_identity,
        "handlers": [u for u in (case.handler_1, case.handler_2) if u is not None],
        "proposals": services.propose_employers(case, user=request.user)
        if handler and case.state != "merged"
        else [],
        "actions": [(a, Action(a).label, case_actions.PARAMS[a]) for a in allowed],
        "action_form": ActionForm(
            approvers=approvers if any(a in NEEDS_APPROVER for a in allowed) else [],
            inspectors=inspectors,
            initial={
                "handler_1": case.handler_1_id,
                "handler_2": case.handler_2_id,
                "employer": case.employer_id or "",
            },
        ),
        "record_form": RecordForm(
            inspectors=inspectors, approvers=approvers, initial={"occurred_on": today}
        ),
        "preservation_form": PreservationDecisionForm(initial={"decided_on": today}),
        "outcome_form": OutcomeForm(initial={f: getattr(case, f) for f in OutcomeForm.base_fields}),
        "reroute_form": RerouteForm(),
        "merge_form": MergeForm(),
        "reveal_form": RevealForm(),
        "document_form": (
            DocumentForm(allowed=services.issuable_document_types(request.user, case))
            if documents_available() and can_write
            else None
        ),
        "document_preview": document_preview(request.user, case)
        if documents_available() and can_write
        else [],
        "record_kinds": RecordKind,
        "is_open": case.state in OPEN_STATES,
        "today": today,
    }


def _records(case: Case, today: Any) -> list[CaseRecord]:
    """The case's records, each preservation record with its D7 countdown (``d7``)."""
    from laborgrid.deadlines.models import Deadline

    records = list(
        case.records.select_related("inspector_1", "inspector_2", "created_by", "approver")
    )
    ids = [r.pk for r in records if r.kind == RecordKind.PRESERVATION]
    rows = (
        Deadline.objects.for_model(CaseRecord).filter(object_id__in=ids, voided=False)
        if ids
        else []
    )
    by_record = {int(d.object_id): countdown(d, today) for d in rows}
    for r in records:
        r.d7 = by_record.get(r.pk)  # type: ignore[attr-defined]
    return records


@login_required
@require_GET
@never_cache
def case_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    case = access_case(request.user, pk)
    return render(request, "cases/case_detail.html", _context(request, case))


def _back(case: Case, anchor: str = "") -> HttpResponse:
    return redirect(case.get_absolute_url() + (f"#{anchor}" if anchor else ""))


def _fail(request: AuthedRequest, exc: ValidationError) -> None:
    for msg in exc.messages:
        messages.error(request, msg)


@login_required
@require_POST
def case_action(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    case = access_case(request.user, pk, Cap.WORK_WRITE)
    if action not in case_actions.PARAMS:
        raise Http404
    try:
        case_actions.run(
            action, actor=request.user, case=case, params=request.POST, request=request
        )
    except ValidationError as exc:
        _fail(request, exc)
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("无权执行此操作"))
    else:
        messages.success(request, _("已%(action)s。") % {"action": Action(action).label})
    return _back(case)


@login_required
@require_POST
def record_add(request: AuthedRequest, pk: int) -> HttpResponse:
    case = access_case(request.user, pk, Cap.WORK_WRITE)
    form = RecordForm(
        request.POST,
        request.FILES,
        inspectors=certified_users_for(case),
        approvers=_approvers(case),
    )
    if form.is_valid():
        data = dict(form.cleaned_data)
        people = {u.pk: u for u in certified_users_for(case)}
        for key in ("inspector_1", "inspector_2"):
            raw = data.get(key)
            data[key] = people.get(int(raw)) if raw and str(raw).isdigit() else None
        heads = {u.pk: u for u in _approvers(case)}
        raw = data.get("approver")
        data["approver"] = heads.get(int(raw)) if raw and str(raw).isdigit() else None
        try:
            services.add_record(
                actor=request.user,
                case=case,
                data=data,
                upload=data.pop("file", None),
                request=request,
            )
        except ValidationError as exc:
            # The upload check names the intake form's field; here the file is "file".
            if hasattr(exc, "error_dict") and "attachments" in exc.error_dict:
                exc = ValidationError(
                    {("file" if k == "attachments" else k): v for k, v in exc.message_dict.items()}
                )
            attach_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or _("无权执行此操作"))
        else:
            messages.success(request, _("已添加调查记录。"))
            return _back(case, "records")
    # The page again with the record as typed (a redirect would lose it): only a chosen file must
    # be chosen again (issue 21 item 9).
    ask_again_for_files(form, request.FILES)
    messages.error(request, _("调查记录未保存，请按“调查记录”中的提示修改后再提交。"))
    for error in form.non_field_errors():
        messages.error(request, str(error))
    context = _context(request, case)
    context["record_form"] = form
    return render(request, "cases/case_detail.html", context, status=400)


@login_required
@require_POST
def preservation_decide(request: AuthedRequest, pk: int, record_id: int) -> HttpResponse:
    """Record the decision on evidence registered and preserved (D7)."""
    case = access_case(request.user, pk, Cap.WORK_WRITE)
    rec = access_record(case, record_id)
    form = PreservationDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择处理决定并填写决定日期。"))
        return _back(case, f"record-{rec.pk}")
    try:
        services.decide_preservation(
            actor=request.user,
            record=rec,
            decision=form.cleaned_data["decision"],
            on=form.cleaned_data["decided_on"],
            note=form.cleaned_data["note"],
            request=request,
        )
    except ValidationError as exc:
        _fail(request, exc)
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("无权执行此操作"))
    else:
        messages.success(request, _("已记录先行登记保存证据的处理决定。"))
    return _back(case, f"record-{rec.pk}")


@login_required
@require_GET
def record_file(request: AuthedRequest, pk: int, record_id: int) -> FileResponse:
    case = access_case(request.user, pk)
    rec = access_record(case, record_id)
    if not rec.file:
        raise Http404
    response = _file(rec.file, rec.file_name, rec.file_type)
    record(
        AuditAction.FILE_DOWNLOADED,
        actor=request.user,
        request=request,
        obj=rec,
        detail={"kind": "evidence", "case": case.pk, "file": rec.file_name},
    )
    return response


def _file(field: Any, name: str, ctype: str) -> FileResponse:
    response = FileResponse(
        field.open("rb"),
        as_attachment=True,
        filename=name,
        content_type=ctype or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def outcome_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    case = access_case(request.user, pk, Cap.WORK_WRITE)
    form = OutcomeForm(request.POST)
    if form.is_valid():
        try:
            services.record_outcome(
                actor=request.user, case=case, data=form.cleaned_data, request=request
            )
        except ValidationError as exc:
            _fail(request, exc)
        except PermissionDenied as exc:
            messages.error(request, str(exc) or _("无权执行此操作"))
        else:
            messages.success(request, _("已保存办理结果。"))
    else:
        messages.error(request, _("办理结果填写有误，请检查。"))
    return _back(case, "outcome")


@login_required
@require_POST
def case_reroute(request: AuthedRequest, pk: int) -> HttpResponse:
    case = access_case(request.user, pk, Cap.WORK_WRITE)
    form = RerouteForm(request.POST)
    if form.is_valid():
        grid = (
            Grid.objects.visible_to(request.user)
            .filter(code=form.cleaned_data["grid"].strip())
            .first()
        )
        if grid is None:
            messages.error(request, _("找不到该网格。"))
        else:
            try:
                services.reroute_case(
                    actor=request.user,
                    case=case,
                    grid=grid,
                    reason=form.cleaned_data["reason"],
                    request=request,
                )
            except ValidationError as exc:
                _fail(request, exc)
            except PermissionDenied as exc:
                messages.error(request, str(exc) or _("无权执行此操作"))
            else:
                messages.success(request, _("已改派至%(grid)s，期限不变。") % {"grid": grid.name})
    else:
        messages.error(request, _("请填写网格编码和理由。"))
    return _back(case)


@login_required
@require_POST
def case_merge(request: AuthedRequest, pk: int) -> HttpResponse:
    case = access_case(request.user, pk, Cap.WORK_WRITE)
    form = MergeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择并入的案件并填写理由。"))
        return _back(case)
    target = access_case(request.user, form.cleaned_data["target"], Cap.WORK_WRITE)
    try:
        services.merge_cases(
            actor=request.user,
            source=case,
            target=target,
            reason=form.cleaned_data["reason"],
            request=request,
        )
    except ValidationError as exc:
        _fail(request, exc)
        return _back(case)
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("无权执行此操作"))
        return _back(case)
    messages.success(request, _("已并入案件 %(ref)s。") % {"ref": target.reference})
    return _back(target)


@login_required
@require_POST
@never_cache
def complainant_reveal(request: AuthedRequest, pk: int, person_id: int) -> HttpResponse:
    """One complainant's name or full number, for a person with ``pii.reveal``, audited with the
    reason (A6; 条例 Art. 9). The value is in this response only: never in a URL, session or
    cache."""
    case = access_case(request.user, pk)
    if not may_reveal_identity(request.user, case):
        raise PermissionDenied
    person = case.complainants.filter(pk=person_id).first()
    if person is None:
        raise Http404
    form = RevealForm(request.POST)
    value = ""
    if form.is_valid():
        try:
            value = services.reveal_complainant(
                actor=request.user,
                case=case,
                person=person,
                field=form.cleaned_data["field"],
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except ValidationError as exc:
            attach_errors(form, exc)
    return render(
        request,
        "cases/_reveal.html",
        {
            "case": case,
            "person": person,
            "form": form,
            "value": value,
            "show_identity": may_see_identity(request.user, case)
            or (value and form.cleaned_data.get("field") == "name"),
        },
    )


@login_required
@require_POST
def document_issue(request: AuthedRequest, pk: int) -> HttpResponse:
    case = access_case(request.user, pk, Cap.WORK_WRITE)
    if not documents_available():
        raise Http404
    # every type: the service explains a refusal (no certificate) better than the form would
    form = DocumentForm(request.POST)
    if form.is_valid():
        try:
            doc = services.issue_document(
                actor=request.user,
                case=case,
                doc_type=form.cleaned_data["doc_type"],
                request=request,
            )
        except ValidationError as exc:
            _fail(request, exc)
        except PermissionDenied as exc:
            messages.error(request, str(exc) or _("无权执行此操作"))
        else:
            messages.success(request, _("已签发 %(number)s。") % {"number": doc.number})
    else:
        messages.error(request, _("请选择文书类型。"))
    return _back(case, "documents")


@login_required
@require_GET
def document_file(request: AuthedRequest, pk: int, doc_id: int) -> FileResponse:
    case = access_case(request.user, pk)
    doc = access_document_file(request.user, case, doc_id)
    response = _file(doc.file, f"{doc.number}.pdf", "application/pdf")
    record(
        AuditAction.FILE_DOWNLOADED,
        actor=request.user,
        request=request,
        obj=doc,
        detail={"kind": "document", "case": case.pk, "file": f"{doc.number}.pdf"},
    )
    return response


urlpatterns: list[URLPattern] = [
    path("<int:pk>/", case_detail, name="case_detail"),
    path("<int:pk>/actions/<slug:action>/", case_action, name="case_action"),
    path("<int:pk>/records/", record_add, name="record_add"),
    path("<int:pk>/records/<int:record_id>/file/", record_file, name="record_file"),
    path(
        "<int:pk>/records/<int:record_id>/preservation/",
        preservation_decide,
        name="preservation_decide",
    ),
    path("<int:pk>/outcome/", outcome_edit, name="outcome_edit"),
    path("<int:pk>/reroute/", case_reroute, name="case_reroute"),
    path("<int:pk>/merge/", case_merge, name="case_merge"),
    path(
        "<int:pk>/complainants/<int:person_id>/reveal/",
        complainant_reveal,
        name="complainant_reveal",
    ),
    path("<int:pk>/documents/", document_issue, name="document_issue"),
    path("<int:pk>/documents/<int:doc_id>/file/", document_file, name="document_file"),
]

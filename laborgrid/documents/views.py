"""Documents pages: the layouts previewed with sample data (staff), and the numbering patterns
(the system administrator, ``document.configure``, audited)."""

from __future__ import annotations

from functools import lru_cache

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from laborgrid.accounts.roles import Cap
from laborgrid.core.forms import attach_errors
from laborgrid.core.scope import require_capability
from laborgrid.core.types import AuthedRequest
from laborgrid.documents import services
from laborgrid.documents.choices import DocumentType
from laborgrid.documents.forms import NumberPatternForm, PatternDeleteForm
from laborgrid.documents.layouts import SPECS, Layout
from laborgrid.documents.models import DocumentNumberPattern, DocumentSequence
from laborgrid.documents.samples import sample_context

LAYOUT_LABELS = {
    Layout.NOTICE: gettext_lazy("通知书、决定书"),
    Layout.APPROVAL: gettext_lazy("审批表"),
    Layout.RECORD: gettext_lazy("笔录"),
    Layout.RECEIPT: gettext_lazy("送达回证"),
}

#: What each context key of a document means, as the preview list names it to officers (the
#: keys themselves are code: ``test_every_document_key_has_a_label`` keeps this complete).
KEY_LABELS = {
    "address": gettext_lazy("地址"),
    "addressee": gettext_lazy("受送达人"),
    "appear_at": gettext_lazy("到场时间"),
    "authority": gettext_lazy("作出机关"),
    "case_number": gettext_lazy("案件编号"),
    "case_title": gettext_lazy("案由"),
    "contact": gettext_lazy("联系方式"),
    "court": gettext_lazy("人民法院"),
    "date": gettext_lazy("日期"),
    "deadline": gettext_lazy("期限"),
    "disclosure": gettext_lazy("告知事项"),
    "document_number": gettext_lazy("文书编号"),
    "document_title": gettext_lazy("文书名称"),
    "ended_at": gettext_lazy("结束时间"),
    "findings": gettext_lazy("查明事实"),
    "handlers": gettext_lazy("承办人"),
    "hearing": gettext_lazy("听证事项"),
    "inspectors": gettext_lazy("执法人员"),
    "items": gettext_lazy("事项清单"),
    "legal_basis": gettext_lazy("法律依据"),
    "method": gettext_lazy("送达方式"),
    "note": gettext_lazy("备注"),
    "number": gettext_lazy("编号"),
    "opinions": gettext_lazy("审批意见"),
    "outcome": gettext_lazy("处理结果"),
    "paragraphs": gettext_lazy("正文"),
    "party": gettext_lazy("当事人"),
    "payment": gettext_lazy("缴款方式"),
    "period": gettext_lazy("期间"),
    "place": gettext_lazy("地点"),
    "present": gettext_lazy("在场人员"),
    "qa": gettext_lazy("问答"),
    "reason": gettext_lazy("理由"),
    "received_on": gettext_lazy("收到日期"),
    "reconsideration_body": gettext_lazy("复议机关"),
    "recorder": gettext_lazy("记录人"),
    "referral": gettext_lazy("移送事项"),
    "respondent": gettext_lazy("被投诉单位"),
    "served_at": gettext_lazy("送达时间"),
    "servers": gettext_lazy("送达人"),
    "source": gettext_lazy("案件来源"),
    "started_at": gettext_lazy("开始时间"),
    "subject": gettext_lazy("事由"),
    "summary": gettext_lazy("摘要"),
}


def _labels(keys: frozenset[str]) -> str:
    return _("、").join(str(KEY_LABELS.get(k, k)) for k in sorted(keys))


@lru_cache(maxsize=len(DocumentType))
def _sample_pdf(doc_type: DocumentType) -> bytes:
    """Samples never change: each type is drawn once per process."""
    return services.render_document(doc_type, sample_context(doc_type))


@login_required
@require_GET
def preview_list(request: HttpRequest) -> HttpResponse:
    scope = require_capability(request.user, Cap.STAFF_READ)
    year = timezone.localdate().year
    patterns = {
        (p.bureau, p.doc_type): p.pattern for p in DocumentNumberPattern.objects.filter(bureau="")
    }
    used = dict(
        DocumentSequence.objects.filter(bureau="", year=year).values_list("doc_type", "last")
    )
    rows = []
    for doc_type in DocumentType:
        spec = SPECS[doc_type]
        pattern = patterns.get(("", doc_type)) or patterns.get(("", "")) or services.DEFAULT_PATTERN
        seq = used.get(doc_type, 0) + 1
        rows.append(
            {
                "type": doc_type,
                "layout": LAYOUT_LABELS[spec.layout],
                "required": _labels(spec.required),
                "optional": _labels(spec.optional),
                "receipt": spec.receipt,
                "next_number": services.format_number(
                    pattern, doc_type=doc_type, year=year, seq=seq
                ),
            }
        )
    return render(
        request,
        "documents/preview_list.html",
        {"rows": rows, "year": year, "can_configure": scope.has(Cap.DOCUMENT_CONFIGURE)},
    )


@login_required
@require_GET
def preview(request: HttpRequest) -> HttpResponse:
    require_capability(request.user, Cap.STAFF_READ)
    value = request.GET.get("type")
    if not value:
        return redirect("documents:preview_list")
    if value not in DocumentType.values:
        raise Http404
    doc_type = DocumentType(value)
    response = HttpResponse(_sample_pdf(doc_type), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="sample-{doc_type.value}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def pattern_list(request: AuthedRequest) -> HttpResponse:
    require_capability(request.user, Cap.DOCUMENT_CONFIGURE)
    form = NumberPatternForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.save_number_pattern(
                actor=request.user,
                bureau=data["bureau"],
                doc_type=data["doc_type"],
                pattern=data["pattern"],
                request=request,
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已保存编号规则。"))
            return redirect("documents:pattern_list")
    year = timezone.localdate().year
    rows = []
    for p in DocumentNumberPattern.objects.select_related("updated_by"):
        example_type = DocumentType(p.doc_type) if p.doc_type else DocumentType.CORRECTION_ORDER
        rows.append(
            {
                "row": p,
                "example": services.format_number(
                    p.pattern, doc_type=example_type, year=year, seq=12, bureau=p.bureau
                ),
            }
        )
    return render(
        request,
        "documents/pattern_list.html",
        {
            "rows": rows,
            "form": form,
            "default_pattern": services.DEFAULT_PATTERN,
            "default_example": services.format_number(
                services.DEFAULT_PATTERN,
                doc_type=DocumentType.CORRECTION_ORDER,
                year=year,
                seq=12,
            ),
            "abbrs": [(t.label, SPECS[t].abbr) for t in DocumentType],
        },
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def pattern_delete(request: AuthedRequest) -> HttpResponse:
    require_capability(request.user, Cap.DOCUMENT_CONFIGURE)
    form = PatternDeleteForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        services.delete_number_pattern(
            actor=request.user, pk=form.cleaned_data["pk"], request=request
        )
    except ValidationError:
        raise Http404 from None
    messages.success(request, _("已删除编号规则。"))
    return redirect("documents:pattern_list")

"""The documents (文书) the case procedure issues (DOMAIN B1.11), as stored values.

The labels are the documents' titles as printed; ``laborgrid.documents.layouts.SPECS`` says, per
type, its layout, its number abbreviation (责改 in 大人社监〔2026〕责改字第12号) and the context
keys it reads.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentType(models.TextChoices):
    # Intake (受理): 若干规定 Art. 18; B1.11 "Intake".
    ACCEPTANCE_NOTICE = "acceptance_notice", _("劳动保障监察投诉受理通知书")
    REJECTION_NOTICE = "rejection_notice", _("劳动保障监察投诉不予受理通知书")
    CORRECTION_REQUEST = "correction_request", _("劳动保障监察投诉补正通知书")
    # Filing (立案).
    FILING_APPROVAL = "filing_approval", _("劳动保障监察立案审批表")
    # Investigation (调查): 条例 Art. 15, 17; 行政处罚法 Art. 55.
    INQUIRY_NOTICE = "inquiry_notice", _("劳动保障监察询问通知书")
    INTERVIEW_RECORD = "interview_record", _("劳动保障监察调查询问笔录")
    INSPECTION_RECORD = "inspection_record", _("劳动保障监察现场检查笔录")
    EXTENSION_APPROVAL = "extension_approval", _("劳动保障监察延长调查期限审批表")
    SUSPENSION_APPROVAL = "suspension_approval", _("劳动保障监察中止调查审批表")
    # Decision (处理): 条例 Art. 18–19; 行政处罚法 Art. 44–45, 59.
    CORRECTION_ORDER = "correction_order", _("劳动保障监察责令改正指令书")
    HANDLING_DECISION = "handling_decision", _("劳动保障监察行政处理决定书")
    PENALTY_PRIOR_NOTICE = "penalty_prior_notice", _("劳动保障监察行政处罚事先告知书")
    PENALTY_DECISION = "penalty_decision", _("劳动保障监察行政处罚决定书")
    # Service (送达): 行政处罚法 Art. 61.
    SERVICE_RECEIPT = "service_receipt", _("送达回证")
    # Closure (结案).
    CLOSURE_APPROVAL = "closure_approval", _("劳动保障监察结案审批表")

"""Forms of the case pages. They render and pre-check; the services decide (and re-check)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from laborgrid.cases.choices import (
    CaseKind,
    CaseState,
    Category,
    Channel,
    ClosureKind,
    DecisionKind,
    DefenceKind,
    PlatformConclusion,
    PreservationDecision,
    RecordKind,
    RedirectKind,
    RefusalGround,
    ServiceMethod,
)
from laborgrid.cases.services.intake import MAX_FACTS, MAX_REPRESENTATIVES
from laborgrid.core.forms import StyledFormMixin

YES_NO = [("", _("请选择")), ("no", _("否，反映用人单位违法行为")), ("yes", _("是，属于劳动争议"))]
GENDERS = [("", _("未填写")), ("male", _("男")), ("female", _("女"))]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []


class ComplaintForm(StyledFormMixin, forms.Form):
    """What a complaint or report says (issue §1): shared by the public page and staff intake."""

    kind = forms.ChoiceField(
        label=_("类别"),
        choices=[
            (CaseKind.COMPLAINT, _("投诉（本人权益受侵害，实名）")),
            (CaseKind.REPORT, _("举报（可匿名）")),
        ],
    )
    is_dispute = forms.ChoiceField(
        label=_("您的诉求是否属于劳动争议？"),
        choices=YES_NO,
        required=False,
        help_text=_(
            "如要求确认劳动关系、解除合同经济补偿、工伤待遇等争议，应向劳动人事争议仲裁委员会申请仲裁。"
        ),
    )
    name = forms.CharField(label=_("姓名"), max_length=60, required=False)
    gender = forms.ChoiceField(label=_("性别"), choices=GENDERS, required=False)
    id_number = forms.CharField(
        label=_("身份证号码"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label=_("联系电话"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    address = forms.CharField(label=_("联系地址"), max_length=200, required=False)
    workers_represented = forms.IntegerField(
        label=_("代表的劳动者人数"), min_value=1, max_value=100000, required=False, initial=1
    )
    employer_name = forms.CharField(label=_("用人单位名称"), max_length=200)
    employer_code = forms.CharField(
        label=_("统一社会信用代码（如知道）"), max_length=32, required=False
    )
    employer_address = forms.CharField(label=_("用人单位地址"), max_length=200, required=False)
    employer_contact = forms.CharField(label=_("法定代表人或负责人"), max_length=60, required=False)
    work_address = forms.CharField(
        label=_("工作地点"),
        max_length=200,
        required=False,
        help_text=_("例如：某某镇某某村某工地。"),
    )
    work_lat = forms.FloatField(widget=forms.HiddenInput, required=False)
    work_lng = forms.FloatField(widget=forms.HiddenInput, required=False)
    category = forms.ChoiceField(label=_("反映事项"), choices=Category.choices)
    facts = forms.CharField(
        label=_("事实与理由"), max_length=MAX_FACTS, widget=forms.Textarea(attrs={"rows": 5})
    )
    request = forms.CharField(
        label=_("请求事项"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    amount_owed = forms.DecimalField(
        label=_("拖欠金额（元）"), min_value=0, max_digits=12, decimal_places=2, required=False
    )
    months_owed = forms.IntegerField(
        label=_("拖欠月数"), min_value=0, max_value=600, required=False
    )
    workers_affected = forms.IntegerField(
        label=_("涉及劳动者人数"), min_value=1, max_value=100000, required=False, initial=1
    )
    violation_start = forms.DateField(
        label=_("违法行为开始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    violation_end = forms.DateField(
        label=_("违法行为结束日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    is_continuing = forms.BooleanField(
        label=_("违法行为仍在持续（如工资至今未付）"), required=False
    )
    attachments = MultipleFileField(
        label=_("证据材料（PDF、JPG、PNG，每个不超过 5 MB，最多 5 个）"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i in range(2, MAX_REPRESENTATIVES + 1):
            self.fields[f"rep{i}_name"] = forms.CharField(
                label=_("代表人姓名"), max_length=60, required=False
            )
            self.fields[f"rep{i}_id_number"] = forms.CharField(
                label=_("身份证号码"), max_length=40, required=False
            )
            self.fields[f"rep{i}_phone"] = forms.CharField(
                label=_("联系电话"), max_length=30, required=False
            )
        for name in self.fields:
            if name.startswith("rep"):
                self.fields[name].widget.attrs.setdefault("class", "form-control")

    def representative_rows(self) -> list[list[Any]]:
        return [
            [self[f"rep{i}_name"], self[f"rep{i}_id_number"], self[f"rep{i}_phone"]]
            for i in range(2, MAX_REPRESENTATIVES + 1)
        ]

    def payload(self) -> dict[str, Any]:
        """The cleaned form as the intake service's ``data``."""
        d = self.cleaned_data
        people = []
        if d.get("name") or d.get("id_number") or d.get("phone"):
            people.append(
                {
                    "name": d.get("name"),
                    "gender": d.get("gender"),
                    "id_number": d.get("id_number"),
                    "phone": d.get("phone"),
                    "address": d.get("address"),
                    "workers_represented": d.get("workers_represented") or 1,
                }
            )
        for i in range(2, MAX_REPRESENTATIVES + 1):
            if d.get(f"rep{i}_name") or d.get(f"rep{i}_id_number"):
                people.append(
                    {
                        "name": d.get(f"rep{i}_name"),
                        "id_number": d.get(f"rep{i}_id_number"),
                        "phone": d.get(f"rep{i}_phone"),
                    }
                )
        data = {k: v for k, v in d.items() if not k.startswith("rep") and k != "attachments"}
        data["complainants"] = people
        data["is_dispute"] = d.get("is_dispute") == "yes"
        return data


class PublicComplaintForm(ComplaintForm):
    submission_key = forms.UUIDField(widget=forms.HiddenInput)
    # A field people do not see: bots fill it in (a filled one is refused quietly).
    website = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"})
    )


class StaffIntakeForm(ComplaintForm):
    kind = forms.ChoiceField(label=_("类别"), choices=CaseKind.choices)
    channel = forms.ChoiceField(
        label=_("来源渠道"),
        choices=[(c, label) for c, label in Channel.choices if c != Channel.WEB],
    )
    platform_ref = forms.CharField(label=_("转办平台线索编号"), max_length=64, required=False)
    received_on = forms.DateField(
        label=_("收到日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    confirm_limitation = forms.BooleanField(
        label=_("已超过两年时效，仍登记（将依法不予受理）"), required=False
    )


class TrackForm(StyledFormMixin, forms.Form):
    code = forms.CharField(label=_("查询码"), max_length=32)


class QueueFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("搜索"), required=False, max_length=100)
    grid = forms.CharField(widget=forms.HiddenInput, required=False, max_length=32)
    state = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("全部状态")), ("open", _("办理中")), *CaseState.choices],
    )
    category = forms.ChoiceField(
        label=_("事项"), required=False, choices=[("", _("全部事项")), *Category.choices]
    )
    kind = forms.ChoiceField(
        label=_("类别"), required=False, choices=[("", _("全部类别")), *CaseKind.choices]
    )
    overdue = forms.BooleanField(label=_("仅超期"), required=False)
    escalated = forms.BooleanField(label=_("仅挂牌督办"), required=False)
    # A period (2026-11, 2026-Q4, 2026) per procedure date: where the statistical returns and the
    # dashboard send their figures. Shown as a removable chip when set, not as inputs.
    received = forms.CharField(required=False, max_length=8, widget=forms.HiddenInput)
    filed = forms.CharField(required=False, max_length=8, widget=forms.HiddenInput)
    decided = forms.CharField(required=False, max_length=8, widget=forms.HiddenInput)
    closed = forms.CharField(required=False, max_length=8, widget=forms.HiddenInput)


class ActionForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("理由或说明"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    approver = forms.ChoiceField(label=_("批准人"), required=False)
    ground = forms.ChoiceField(
        label=_("不予受理理由"), required=False, choices=RefusalGround.choices
    )
    redirect_kind = forms.ChoiceField(
        label=_("告知途径"), required=False, choices=RedirectKind.choices
    )
    decision_kind = forms.ChoiceField(
        label=_("决定类型"), required=False, choices=DecisionKind.choices
    )
    summary = forms.CharField(
        label=_("决定内容"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    penalty_amount = forms.DecimalField(
        label=_("罚款金额（元）"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    rectification_due = forms.DateField(
        label=_("整改期限"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    filed_on = forms.DateField(
        label=_("立案审批日期（默认今天）"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    served_on = forms.DateField(
        label=_("送达日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    service_method = forms.ChoiceField(
        label=_("送达方式"), required=False, choices=[("", _("请选择")), *ServiceMethod.choices]
    )
    service_proof = forms.CharField(
        label=_("送达凭证（送达回证、邮件查询号、公告载体等）"), required=False, max_length=200
    )
    defence = forms.ChoiceField(
        label=_("当事人陈述申辩或听证情况"),
        required=False,
        choices=[("", _("请选择")), *DefenceKind.choices],
    )
    defence_on = forms.DateField(
        label=_("陈述申辩、听证申请或放弃的日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    defence_outcome = forms.CharField(
        label=_("陈述申辩或听证意见及采纳情况"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    hearing_on = forms.DateField(
        label=_("听证举行日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    closure_kind = forms.ChoiceField(
        label=_("结案方式"),
        required=False,
        choices=[
            (c, label)
            for c, label in ClosureKind.choices
            if c in ("performed", "enforced", "not_performed")
        ],
    )
    public_result = forms.CharField(
        label=_("告知投诉人的处理结果"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    handler_1 = forms.ChoiceField(label=_("承办人一（持证监察员）"), required=False)
    handler_2 = forms.ChoiceField(label=_("承办人二（持证监察员）"), required=False)
    employer = forms.CharField(
        label=_("名录单位（编号或统一社会信用代码；留空取消关联）"), required=False, max_length=32
    )

    def __init__(
        self,
        *args: Any,
        approvers: list[Any] | None = None,
        inspectors: list[Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["approver"]
        if isinstance(field, forms.ChoiceField):
            field.choices = [("", _("请选择")), *((u.pk, u.display_name) for u in approvers or [])]
        for name in ("handler_1", "handler_2"):
            field = self.fields[name]
            if isinstance(field, forms.ChoiceField):
                field.choices = [
                    ("", _("请选择")),
                    *((u.pk, u.display_name) for u in inspectors or []),
                ]


class RecordForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=RecordKind.choices)
    title = forms.CharField(label=_("标题"), max_length=200)
    content = forms.CharField(
        label=_("内容"), required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 4})
    )
    occurred_on = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    due_on = forms.DateField(
        label=_("答复或完成期限"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    inspector_1 = forms.ChoiceField(label=_("监察员一"), required=False)
    inspector_2 = forms.ChoiceField(label=_("监察员二"), required=False)
    approver = forms.ChoiceField(label=_("批准人（先行登记保存须经负责人批准）"), required=False)
    file = forms.FileField(
        label=_("文件（PDF、JPG、PNG）"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )

    def __init__(
        self,
        *args: Any,
        inspectors: list[Any] | None = None,
        approvers: list[Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("请选择"))] + [(u.pk, u.display_name) for u in inspectors or []]
        self.fields["inspector_1"].choices = choices  # type: ignore[attr-defined]
        self.fields["inspector_2"].choices = choices  # type: ignore[attr-defined]
        self.fields["approver"].choices = [  # type: ignore[attr-defined]
            ("", _("请选择")),
            *((u.pk, u.display_name) for u in approvers or []),
        ]


class PreservationDecisionForm(StyledFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("处理决定"), choices=[("", _("请选择")), *PreservationDecision.choices]
    )
    decided_on = forms.DateField(
        label=_("决定日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(
        label=_("说明"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )


class OutcomeForm(StyledFormMixin, forms.Form):
    findings = forms.CharField(
        label=_("调查查明的违法事实（决定文书据此载明）"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    violation = forms.ChoiceField(label=_("违法行为（决定文书据此载明违反条款）"), required=False)
    amount_recovered = forms.DecimalField(
        label=_("追回金额（元）"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    workers_helped = forms.IntegerField(
        label=_("维权劳动者人数"), required=False, min_value=0, max_value=1000000
    )
    penalty_amount = forms.DecimalField(
        label=_("罚款金额（元）"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    rectification_due = forms.DateField(
        label=_("整改期限"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    rectification_checked_on = forms.DateField(
        label=_("整改复查日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    rectification_note = forms.CharField(
        label=_("整改情况"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    public_result = forms.CharField(
        label=_("告知投诉人的处理结果"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    platform_conclusion = forms.ChoiceField(
        label=_("反馈平台的核处结论"),
        required=False,
        choices=[("", "—"), *PlatformConclusion.choices],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from laborgrid.cases.violations import violation_choices

        field = self.fields["violation"]
        if isinstance(field, forms.ChoiceField):
            field.choices = [("", _("请选择")), *violation_choices()]


class RerouteForm(StyledFormMixin, forms.Form):
    grid = forms.CharField(label=_("改派至网格编码"), max_length=32)
    reason = forms.CharField(label=_("理由"), max_length=2000)


class MergeForm(StyledFormMixin, forms.Form):
    target = forms.IntegerField(label=_("并入案件"), min_value=1)
    reason = forms.CharField(label=_("理由"), max_length=2000)


class RevealForm(StyledFormMixin, forms.Form):
    field = forms.ChoiceField(
        choices=[("name", _("姓名")), ("id_number", _("身份证号码")), ("phone", _("联系电话"))]
    )
    reason = forms.CharField(label=_("查看理由"), max_length=200)


class DocumentForm(StyledFormMixin, forms.Form):
    doc_type = forms.ChoiceField(label=_("文书类型"))

    def __init__(self, *args: Any, allowed: frozenset[str] | None = None, **kwargs: Any) -> None:
        """``allowed``: the types the user may issue (``services.issuable_document_types``)."""
        super().__init__(*args, **kwargs)
        from laborgrid.cases.documents import document_choices

        self.fields["doc_type"].choices = [  # type: ignore[attr-defined]
            (value, label)
            for value, label in document_choices()
            if allowed is None or value in allowed
        ]

"""Forms of the inspection pages. Dates are ISO in inputs; services validate the rules."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from laborgrid.core.forms import StyledFormMixin
from laborgrid.employers.choices import EmployerType, Industry
from laborgrid.inspections import checklist as checklists
from laborgrid.inspections.choices import FindingResult, Signature, VisitOutcome

DATE = forms.DateInput(attrs={"type": "date"})
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class CycleForm(StyledFormMixin, forms.Form):
    high_risk_months = forms.IntegerField(
        label=_("高风险单位检查周期（月）"), min_value=1, max_value=60
    )
    other_months = forms.IntegerField(label=_("其他单位检查周期（月）"), min_value=1, max_value=60)


class PlanForm(StyledFormMixin, forms.Form):
    grid = forms.ChoiceField(label=_("网格"))
    month = forms.DateField(label=_("月份（任一日期）"), widget=DATE)
    title = forms.CharField(label=_("计划名称（留空自动生成）"), max_length=100, required=False)
    note = forms.CharField(label=_("说明"), max_length=500, required=False)

    def __init__(self, *args: Any, grids: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grid"].choices = [(g.code, f"{g.name} · {g.code}") for g in grids]  # type: ignore[attr-defined]


class TargetsForm(forms.Form):
    employers = forms.TypedMultipleChoiceField(coerce=int, choices=(), required=False)
    planned_on = forms.DateField(label=_("计划日期"), required=False, widget=DATE)

    def __init__(self, *args: Any, ids: list[int] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["employers"].choices = [(i, i) for i in ids or []]  # type: ignore[attr-defined]


class AddEmployerForm(StyledFormMixin, forms.Form):
    employer = forms.IntegerField(label=_("单位编号"), min_value=1)


class CampaignForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("专项检查名称"), max_length=100)
    theme = forms.CharField(label=_("主题"), max_length=300, required=False)
    grid = forms.ChoiceField(label=_("范围网格"))
    starts_on = forms.DateField(label=_("开始日期"), widget=DATE)
    ends_on = forms.DateField(label=_("结束日期"), widget=DATE)
    industries = forms.MultipleChoiceField(
        label=_("行业门类"),
        choices=Industry.choices,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    types = forms.MultipleChoiceField(
        label=_("单位类型"),
        choices=EmployerType.choices,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    grids = forms.CharField(
        label=_("限定网格编码（逗号分隔，可空）"), required=False, max_length=500
    )
    flags = forms.MultipleChoiceField(
        label=_("风险标记（任一）"),
        required=False,
        choices=[
            ("arrears", _("拖欠工资")),
            ("no_contracts", _("未签劳动合同")),
            ("below_min_wage", _("低于最低工资")),
            ("uninsured", _("未参加社会保险")),
        ],
        widget=forms.CheckboxSelectMultiple,
    )
    min_employees = forms.IntegerField(label=_("职工人数不少于"), min_value=0, required=False)
    max_employees = forms.IntegerField(label=_("职工人数不多于"), min_value=0, required=False)
    checklist = forms.MultipleChoiceField(
        label=_("检查项目"),
        choices=[(k, v[0]) for k, v in checklists.CATALOGUE.items()],
        widget=forms.CheckboxSelectMultiple,
    )
    extra_items = forms.CharField(
        label=_("自定义检查项目（每行一个）"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    note = forms.CharField(label=_("说明"), max_length=500, required=False)

    def __init__(self, *args: Any, grids: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grid"].choices = [(g.code, f"{g.name} · {g.code}") for g in grids]  # type: ignore[attr-defined]
        for name in ("flags", "checklist"):
            self.fields[name].widget.attrs["class"] = "form-check-input"

    def rules(self) -> dict[str, Any]:
        cd = self.cleaned_data
        return {
            "industries": cd.get("industries") or [],
            "types": cd.get("types") or [],
            "grids": [c.strip() for c in (cd.get("grids") or "").split(",") if c.strip()],
            "flags": cd.get("flags") or [],
            "min_employees": cd.get("min_employees"),
            "max_employees": cd.get("max_employees"),
        }


class VisitForm(StyledFormMixin, forms.Form):
    """The on-site form, usable offline (``data-lg-offline``): ``client_key`` makes a resent form
    record one visit only."""

    #: Empty in the page: the offline-form script fills a fresh one on each page load (a page
    #: served from the service worker's cache must not hand two visits the same key).
    client_key = forms.UUIDField(required=False, widget=forms.HiddenInput)
    #: The key of a browser without the script (no offline queue there): used when
    #: ``client_key`` is empty.
    server_key = forms.UUIDField(required=False, widget=forms.HiddenInput)
    #: The form's URL names the employer; this copy is for posts to the start page.
    employer = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    campaign = forms.ChoiceField(label=_("专项检查"), required=False)
    outcome = forms.ChoiceField(label=_("检查结果"), choices=VisitOutcome.choices)
    started_at = forms.DateTimeField(label=_("开始时间"), widget=DATETIME)
    ended_at = forms.DateTimeField(label=_("结束时间"), widget=DATETIME, required=False)
    place = forms.CharField(label=_("检查地点"), max_length=300, required=False)
    inspector_1 = forms.ChoiceField(label=_("监察员一"))
    inspector_2 = forms.ChoiceField(label=_("监察员二"))
    assistants = forms.MultipleChoiceField(
        label=_("随行协管员"), required=False, widget=forms.CheckboxSelectMultiple
    )
    present = forms.CharField(label=_("在场人"), max_length=200, required=False)
    note = forms.CharField(
        label=_("检查情况"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    employees = forms.IntegerField(label=_("职工人数"), min_value=0, required=False)
    migrant_workers = forms.IntegerField(label=_("其中农民工"), min_value=0, required=False)
    contracts_signed = forms.IntegerField(label=_("已签劳动合同人数"), min_value=0, required=False)
    insured_pension = forms.IntegerField(label=_("参加养老保险人数"), min_value=0, required=False)
    lowest_monthly_wage = forms.DecimalField(
        label=_("最低月工资（元）"), min_value=0, max_digits=10, decimal_places=2, required=False
    )
    arrears = forms.BooleanField(label=_("存在拖欠工资"), required=False)
    arrears_amount = forms.DecimalField(
        label=_("拖欠金额（元）"), min_value=0, max_digits=14, decimal_places=2, required=False
    )
    arrears_workers = forms.IntegerField(label=_("被拖欠人数"), min_value=0, required=False)
    gps_lat = forms.FloatField(
        widget=forms.HiddenInput, required=False, min_value=-90, max_value=90
    )
    gps_lng = forms.FloatField(
        widget=forms.HiddenInput, required=False, min_value=-180, max_value=180
    )
    gps_accuracy = forms.FloatField(widget=forms.HiddenInput, required=False, min_value=0)
    photo = forms.FileField(label=_("现场照片"), required=False)

    FACTS = (
        "employees",
        "migrant_workers",
        "contracts_signed",
        "insured_pension",
        "lowest_monthly_wage",
        "arrears",
        "arrears_amount",
        "arrears_workers",
    )

    def __init__(
        self,
        *args: Any,
        inspectors: list[Any],
        assistants: list[Any],
        campaigns: list[Any],
        items: list[dict[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        people = [("", _("请选择"))] + [(str(u.pk), u.display_name) for u in inspectors]
        self.fields["inspector_1"].choices = people  # type: ignore[attr-defined]
        self.fields["inspector_2"].choices = people  # type: ignore[attr-defined]
        self.fields["assistants"].choices = [(str(u.pk), u.display_name) for u in assistants]  # type: ignore[attr-defined]
        self.fields["assistants"].widget.attrs["class"] = "form-check-input"
        self.fields["campaign"].choices = [("", _("日常巡视检查"))] + [  # type: ignore[attr-defined]
            (str(c.pk), c.name) for c in campaigns
        ]
        self.items = items
        for it in items:
            self.fields[f"item_{it['key']}"] = forms.ChoiceField(
                label=it["label"],
                choices=FindingResult.choices,
                initial=FindingResult.NOT_CHECKED,
                required=False,
                widget=forms.Select(attrs={"class": "form-select"}),
            )
            self.fields[f"note_{it['key']}"] = forms.CharField(
                label=_("情况"),
                required=False,
                max_length=500,
                widget=forms.TextInput(attrs={"class": "form-control"}),
            )

    def visit_key(self) -> uuid.UUID:
        key = self.cleaned_data.get("client_key") or self.cleaned_data.get("server_key")
        return key or uuid.uuid4()

    def item_rows(self) -> list[tuple[Any, Any]]:
        return [(self[f"item_{it['key']}"], self[f"note_{it['key']}"]) for it in self.items]

    def facts(self) -> dict[str, Any]:
        cd = self.cleaned_data
        out = {k: cd.get(k) for k in self.FACTS if cd.get(k) not in (None, "")}
        if "arrears" in out and not out["arrears"]:
            out.pop("arrears")
        if any(k in out for k in ("arrears_amount", "arrears_workers")) or cd.get("arrears"):
            out["arrears"] = bool(cd.get("arrears"))
        return out


class ConcludeForm(StyledFormMixin, forms.Form):
    signature = forms.ChoiceField(label=_("被检查单位负责人签名"), choices=Signature.choices)
    rep_name = forms.CharField(label=_("负责人姓名"), max_length=60, required=False)
    rep_position = forms.CharField(label=_("职务"), max_length=60, required=False)
    refusal_reason = forms.CharField(label=_("拒绝签名的理由"), max_length=300, required=False)
    inspectors_signed = forms.BooleanField(
        label=_("两名检查人已在笔录上签名"), required=False, initial=True
    )
    wages_recovered = forms.DecimalField(
        label=_("现场督促追发工资（元）"),
        min_value=0,
        max_digits=14,
        decimal_places=2,
        required=False,
    )
    workers_concerned = forms.IntegerField(label=_("涉及劳动者人数"), min_value=0, required=False)

    def __init__(self, *args: Any, findings: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.findings = findings
        for f in findings:
            self.fields[f"result_{f.key}"] = forms.ChoiceField(
                label=f.label,
                choices=FindingResult.choices,
                initial=f.result,
                widget=forms.Select(attrs={"class": "form-select"}),
            )
            self.fields[f"note_{f.key}"] = forms.CharField(
                required=False,
                max_length=500,
                initial=f.note,
                widget=forms.TextInput(attrs={"class": "form-control"}),
            )
            self.fields[f"order_{f.key}"] = forms.BooleanField(
                required=False,
                initial=f.to_order,
                widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
            )
            self.fields[f"days_{f.key}"] = forms.IntegerField(
                required=False,
                min_value=1,
                max_value=60,
                initial=f.working_days,
                widget=forms.NumberInput(attrs={"class": "form-control", "style": "width: 6rem"}),
            )

    def rows(self) -> list[tuple[Any, ...]]:
        return [
            (
                f,
                self[f"result_{f.key}"],
                self[f"note_{f.key}"],
                self[f"order_{f.key}"],
                self[f"days_{f.key}"],
            )
            for f in self.findings
        ]


class VisitOrderForm(StyledFormMixin, forms.Form):
    """责令改正指令书 from a visit: one row per finding ticked for rectification (included or not,
    what to correct, the violation it cites, the period in working days)."""

    def __init__(self, *args: Any, lines: list[Any], labels: dict[str, str], **kwargs: Any) -> None:
        from laborgrid.cases.violations import violation_choices

        super().__init__(*args, **kwargs)
        self.lines = lines
        self.labels = labels
        for line in lines:
            k = line.key
            self.fields[f"use_{k}"] = forms.BooleanField(
                required=False,
                initial=True,
                widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
            )
            self.fields[f"text_{k}"] = forms.CharField(
                label=_("改正事项"),
                max_length=500,
                required=False,
                initial=line.text,
                widget=forms.TextInput(attrs={"class": "form-control"}),
            )
            self.fields[f"violation_{k}"] = forms.ChoiceField(
                label=_("违法行为"),
                required=False,
                choices=[("", _("请选择")), *violation_choices()],
                initial=line.violation,
                widget=forms.Select(attrs={"class": "form-select"}),
            )
            self.fields[f"days_{k}"] = forms.IntegerField(
                label=_("整改期限（工作日）"),
                min_value=1,
                max_value=60,
                required=False,
                initial=line.working_days,
                widget=forms.NumberInput(attrs={"class": "form-control", "style": "width: 6rem"}),
            )

    def rows(self) -> list[tuple[Any, ...]]:
        return [
            (
                self.labels.get(line.key, line.key),
                self[f"use_{line.key}"],
                self[f"text_{line.key}"],
                self[f"violation_{line.key}"],
                self[f"days_{line.key}"],
            )
            for line in self.lines
        ]

    def chosen(self) -> list[Any]:
        from laborgrid.inspections.services import OrderLine

        cd = self.cleaned_data
        return [
            OrderLine(
                line.key,
                cd.get(f"text_{line.key}") or "",
                cd.get(f"violation_{line.key}") or "",
                cd.get(f"days_{line.key}") or 0,
            )
            for line in self.lines
            if cd.get(f"use_{line.key}")
        ]

"""Forms of the employer registry: identity (create, edit, split), labour-use snapshot, merge,
withdraw.

The forms only convert and type-check what a person typed (dates, numbers, ranges: the model
fields' own form fields, so the messages are Django's and name the field). Every business rule —
codes, duplicates, contracts ≤ employees, arrears need an amount — lives in
``laborgrid.employers.services``; the views show the service's ``ValidationError`` on the fields
it names. Nothing here writes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.translation import gettext_lazy as _

from laborgrid.accounts.roles import Cap
from laborgrid.core.forms import StyledFormMixin
from laborgrid.employers import services
from laborgrid.employers.choices import CollectionMethod
from laborgrid.employers.models import Employer, LabourSnapshot, Worker
from laborgrid.grids.models import Grid

DATE_WIDGET = {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

#: Hard bounds the database or the model would refuse anyway; checking them in the form gives a
#: message on the field instead of a service error later.
_RANGES: dict[str, dict[str, Any]] = {
    "lat": {"min_value": -90, "max_value": 90},
    "lng": {"min_value": -180, "max_value": 180},
    "gps_lat": {"min_value": -90, "max_value": 90},
    "gps_lng": {"min_value": -180, "max_value": 180},
    "gps_accuracy": {"min_value": 0},
    "registered_capital": {"min_value": 0},
    "lowest_monthly_wage": {"min_value": 0},
    "arrears_amount": {"min_value": 0},
    "pay_day": {"min_value": 1, "max_value": 31},
}

#: Codes are normalised by the service (spaces, full-width, lower case), so the form accepts a
#: little more than the stored length and leaves the check to ``services.clean_codes``.
_CODE_FIELDS = ("uscc", "org_code", "reg_number")


def model_formfield(model: type[models.Model], name: str) -> forms.Field:
    """The model field's own form field (type, label, choices, required), with our widgets."""
    f = model_field(model, name)
    kwargs: dict[str, Any] = dict(_RANGES.get(name, {}))
    if isinstance(f, models.DateField):
        kwargs.update(DATE_WIDGET)
    elif isinstance(f, models.TextField):
        kwargs["widget"] = forms.Textarea(attrs={"rows": 2})
    field = f.formfield(**kwargs)
    if field is None:
        raise ImproperlyConfigured(f"{model.__name__}.{name} has no form field")
    return field


def model_field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    """A concrete model field by name (the names used here are never relations' reverse side)."""
    return cast("models.Field[Any, Any]", model._meta.get_field(name))


class GridChoiceField(forms.ModelChoiceField):
    """The grids a person may write in, indented by depth (the tree as a flat select)."""

    def __init__(self, *args: Any, base_depth: int = 0, **kwargs: Any) -> None:
        self.base_depth = base_depth
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        # No-break spaces survive the whitespace collapsing browsers apply to <option> text.
        indent = "\u00a0" * 4 * max(obj.depth - self.base_depth, 0)
        return indent + _("%(name)s（%(code)s）") % {"name": obj.name, "code": obj.code}


def writable_grids(user: Any) -> models.QuerySet[Grid]:
    """Active grids in the subtrees where ``user`` holds work.write, in tree order."""
    return (
        Grid.objects.visible_to(user, Cap.WORK_WRITE)
        .active()
        .order_by("path")
        .only("id", "code", "name", "depth", "path")
    )


def grid_field(user: Any, *, empty_label: str, help_text: str = "") -> GridChoiceField:
    qs = writable_grids(user)
    top = qs.order_by("depth").values_list("depth", flat=True).first() or 0
    return GridChoiceField(
        queryset=qs,
        to_field_name="code",
        required=False,
        empty_label=empty_label,
        label=_("所属网格"),
        help_text=help_text,
        base_depth=top,
    )


class SectionsMixin:
    """Fields grouped into titled sections (fieldsets) for the templates."""

    SECTIONS: tuple[tuple[Any, tuple[str, ...]], ...] = ()

    def sections(self) -> list[tuple[Any, list[forms.BoundField]]]:
        out = []
        for title, names in self.SECTIONS:
            bound = [self[n] for n in names if n in self.fields]  # type: ignore[attr-defined,index]
            if bound:
                out.append((title, bound))
        return out


class EmployerForm(SectionsMixin, StyledFormMixin, forms.Form):
    """An employer's identity, contact, place and status (``services.EMPLOYER_FIELDS``).

    The contact phone is personal information (DOMAIN A6): the input is never prefilled with the
    stored number; on edit the masked number is shown as help text and an empty input means
    "unchanged".
    """

    SECTIONS = (
        (
            _("基本信息"),
            (
                "name",
                "former_names",
                "employer_type",
                "industry",
                "status",
                "established_on",
                "registered_capital",
                "business_scope",
            ),
        ),
        (_("代码"), _CODE_FIELDS),
        (
            _("负责人与联系方式"),
            ("legal_rep", "contact_person", "contact_phone", "clear_contact_phone"),
        ),
        (_("地址与网格"), ("address", "lat", "lng", "grid", "grid_reason")),
        (_("修改说明"), ("reason",)),
    )

    contact_phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    grid_reason = forms.CharField(
        label=_("指定网格的理由"),
        max_length=200,
        required=False,
        help_text=_("手工指定或调整所属网格时填写。"),
    )
    #: Shown only in the duplicate panel, after the service found a probable duplicate.
    confirm_not_duplicate = forms.BooleanField(label=_("我已核实，这是另一家单位"), required=False)

    def __init__(
        self,
        *args: Any,
        user: Any,
        employer: Employer | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.employer = employer
        fields: dict[str, forms.Field] = {}
        for name in services.EMPLOYER_FIELDS:
            if name in _CODE_FIELDS:
                fields[name] = forms.CharField(
                    label=model_field(Employer, name).verbose_name,
                    max_length=40,
                    required=False,
                    strip=True,
                )
            else:
                fields[name] = model_formfield(Employer, name)
        fields["uscc"].help_text = _("18 位；填写后组织机构代码自动取其第 9–17 位。")
        fields["lat"].help_text = _("WGS84 坐标，可留空；填写后优先按坐标定位网格。")
        self.fields.update(fields)
        self.fields["grid"] = grid_field(user, empty_label=str(_("自动（按坐标或地址）")))
        if employer is not None:
            masked = employer.contact_phone_masked
            self.fields["contact_phone"].help_text = (
                _("当前：%(masked)s。留空表示不变。") % {"masked": masked}
                if masked
                else _("当前未登记。")
            )
            if masked:
                self.fields["clear_contact_phone"] = forms.BooleanField(
                    label=_("清除联系电话"), required=False
                )
            self.fields["grid"].help_text = _(
                "当前：%(grid)s（%(method)s）。留空则保持当前网格，坐标或地址变更时自动重新定位。"
            ) % {"grid": employer.grid.name, "method": employer.get_grid_method_display()}
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput)
            self.fields["reason"] = forms.CharField(
                label=_("修改说明"), max_length=100, required=False
            )
        self.order_fields(
            [
                *services.EMPLOYER_FIELDS,
                "contact_phone",
                "clear_contact_phone",
                "grid",
                "grid_reason",
                "reason",
            ]
        )
        # The mixin styled the declared fields only; these were added after it ran.
        style_widgets(self.fields.values())

    @staticmethod
    def initial_for(employer: Employer) -> dict[str, Any]:
        data: dict[str, Any] = {name: getattr(employer, name) for name in services.EMPLOYER_FIELDS}
        data["uscc"] = employer.uscc or ""
        data["version"] = employer.version
        return data

    def employer_data(self, *, only_changed: bool = False) -> dict[str, Any]:
        """What to hand to the service: the identity fields (only the changed ones on edit) and
        the contact phone when one was typed or cleared."""
        cd = self.cleaned_data
        names = [n for n in services.EMPLOYER_FIELDS if not only_changed or n in self.changed_data]
        data = {n: cd.get(n) for n in names}
        e = self.employer
        if (
            e is not None
            and "uscc" in data
            and "org_code" not in data
            and e.uscc
            and e.org_code == e.uscc[8:17]
        ):
            # The organisation code was only the old USCC's positions 9–17: let the service
            # take it from the corrected USCC instead of refusing the two as inconsistent.
            data["org_code"] = ""
        if cd.get("contact_phone"):
            data["contact_phone"] = cd["contact_phone"]
        elif cd.get("clear_contact_phone"):
            data["contact_phone"] = ""
        return data


def style_widgets(fields: Iterable[forms.Field]) -> None:
    """Tabler classes on widgets added after ``StyledFormMixin.__init__`` ran (idempotent)."""
    for field in fields:
        widget = field.widget
        if isinstance(widget, forms.HiddenInput):
            continue
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        classes = widget.attrs.get("class", "").split()
        if css not in classes:
            widget.attrs["class"] = " ".join([*classes, css])


class SnapshotForm(SectionsMixin, StyledFormMixin, forms.Form):
    """One labour-use snapshot to the collection standard (``services.SNAPSHOT_FIELDS``, DOMAIN A3)."""

    SECTIONS = (
        (_("采集"), ("collected_on", "method", "source")),
        (_("人数"), ("employees", "migrant_workers", "women", "juveniles", "dispatched")),
        (_("劳动合同与名册"), ("contracts_signed", "roster_kept")),
        (
            _("社会保险"),
            (
                "insured_pension",
                "insured_medical",
                "insured_unemployment",
                "insured_injury",
                "insured_maternity",
            ),
        ),
        (
            _("工资"),
            (
                "pay_day",
                "pay_method",
                "lowest_monthly_wage",
                "arrears",
                "arrears_amount",
                "arrears_workers",
                "arrears_months",
            ),
        ),
        (_("工时与制度"), ("hours_system", "hours_approval_no", "rules_filed")),
        (
            _("工程建设项目"),
            (
                "is_construction",
                "real_name_register",
                "wage_account",
                "wage_deposit",
                "rights_board",
            ),
        ),
        (_("备注"), ("note", "gps_lat", "gps_lng", "gps_accuracy")),
    )
    #: Not carried over from the previous snapshot: a new visit has its own date, place and note.
    NOT_PREFILLED = frozenset({"collected_on", "gps_lat", "gps_lng", "gps_accuracy", "note"})
    #: The methods of an entry made in this form (field visits come from the collection module).
    METHODS = (
        CollectionMethod.OFFICE,
        CollectionMethod.WRITTEN_REVIEW,
        CollectionMethod.INSPECTION,
    )

    #: Sub-counts that cannot exceed the number of employees (the live hint checks them).
    COUNT_FIELDS = (
        "migrant_workers",
        "women",
        "juveniles",
        "dispatched",
        "contracts_signed",
        "insured_pension",
        "insured_medical",
        "insured_unemployment",
        "insured_injury",
        "insured_maternity",
    )

    method = forms.ChoiceField(label=_("采集方式"), initial=CollectionMethod.OFFICE)
    source = forms.CharField(
        label=_("数据来源"),
        max_length=100,
        required=False,
        help_text=_("例如：单位提供的工资表、社保缴费清单。"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["method"].choices = [(m.value, m.label) for m in self.METHODS]  # type: ignore[attr-defined]
        for name in services.SNAPSHOT_FIELDS:
            self.fields[name] = model_formfield(LabourSnapshot, name)
        self.fields["note"].widget.attrs["rows"] = 3
        self.order_fields([n for _title, names in self.SECTIONS for n in names])
        style_widgets(self.fields.values())

    @classmethod
    def initial_for(cls, employer: Employer, today: Any) -> dict[str, Any]:
        """The current snapshot's facts (a new collection usually changes a few of them)."""
        initial: dict[str, Any] = {"collected_on": today, "method": CollectionMethod.OFFICE}
        current = employer.current_snapshot
        if current is not None:
            for name in services.SNAPSHOT_FIELDS:
                if name not in cls.NOT_PREFILLED:
                    initial[name] = getattr(current, name)
        return initial

    def snapshot_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in services.SNAPSHOT_FIELDS}


class WithdrawForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("撤回理由"), max_length=200)


class MergeForm(StyledFormMixin, forms.Form):
    """Merge this record (the duplicate) into ``target``, named by id or USCC."""

    target = forms.CharField(
        label=_("保留的单位（ID 或统一社会信用代码）"),
        max_length=40,
        help_text=_("本记录的采集信息、职工名册和登记来源将并入该单位，本记录保留并标记为已并入。"),
    )
    reason = forms.CharField(label=_("合并理由"), max_length=200, required=False)


class SplitForm(EmployerForm):
    """A new employer's identity, and what of this record belongs to it."""

    SECTIONS = (*EmployerForm.SECTIONS[:-1], (_("拆分理由"), ("reason",)))

    def __init__(
        self,
        *args: Any,
        user: Any,
        source: Employer,
        snapshots: Iterable[LabourSnapshot],
        workers: Iterable[Worker],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["grid"].empty_label = _("与原单位相同（%(grid)s）") % {  # type: ignore[attr-defined]
            "grid": source.grid.name
        }
        # The split's reason is also recorded as the reason for the new record's grid.
        del self.fields["grid_reason"]
        del self.fields["confirm_not_duplicate"]
        self.fields["reason"] = forms.CharField(
            label=_("拆分理由"), max_length=200, help_text=_("写明为何两家单位被记成了一家。")
        )
        self.fields["snapshots"] = forms.TypedMultipleChoiceField(
            label=_("属于新单位的采集信息"),
            coerce=int,
            required=False,
            choices=[(s.pk, str(s.pk)) for s in snapshots],
            widget=forms.CheckboxSelectMultiple,
        )
        self.fields["workers"] = forms.TypedMultipleChoiceField(
            label=_("属于新单位的职工"),
            coerce=int,
            required=False,
            choices=[(w.pk, str(w.pk)) for w in workers],
            widget=forms.CheckboxSelectMultiple,
        )

    def clean(self) -> dict[str, Any]:
        cd = super().clean() or {}
        if not cd.get("snapshots") and not cd.get("workers"):
            raise forms.ValidationError(_("请至少选择一条采集信息或一名职工；否则请直接新建单位。"))
        return cd

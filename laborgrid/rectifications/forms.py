"""Forms of the order pages. Dates are ISO (``<input type="date">``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from laborgrid.cases.violations import violation_choices
from laborgrid.core.forms import StyledFormMixin
from laborgrid.rectifications.choices import ItemResult, OrderState
from laborgrid.rectifications.models import MAX_WORKING_DAYS, OrderItem
from laborgrid.rectifications.services import OrderItemInput

#: Rows offered on the issue form (an order rarely has more; the service takes up to 20).
ITEM_ROWS = 5


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern); the service checks their types."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []


def _style(form: forms.Form) -> None:
    """Tabler classes on fields added after the mixin styled the declared ones."""
    for field in form.fields.values():
        widget = field.widget
        if "class" in widget.attrs:
            continue
        if isinstance(widget, forms.RadioSelect):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs["class"] = css


class FilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("搜索"), required=False, max_length=100)
    grid = forms.CharField(widget=forms.HiddenInput, required=False, max_length=32)
    state = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("全部状态")), ("active", _("跟进中")), *OrderState.choices],
    )
    overdue = forms.BooleanField(label=_("仅逾期未改正"), required=False)
    #: Period keys (2026-11, 2026-Q4, 2026): issued or closed (销号) in the period (the
    #: dashboard's figures link with them).
    issued = forms.CharField(widget=forms.HiddenInput, required=False, max_length=8)
    closed = forms.CharField(widget=forms.HiddenInput, required=False, max_length=8)


class IssueForm(StyledFormMixin, forms.Form):
    employer = forms.CharField(
        label=_("用人单位"),
        max_length=200,
        help_text=_("填写统一社会信用代码或名录中的单位全称。"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n in range(1, ITEM_ROWS + 1):
            self.fields[f"text_{n}"] = forms.CharField(
                label=_("改正事项"), required=False, max_length=500
            )
            self.fields[f"key_{n}"] = forms.ChoiceField(
                label=_("违法行为"),
                required=False,
                choices=[("", _("请选择")), *violation_choices()],
            )
            self.fields[f"days_{n}"] = forms.IntegerField(
                label=_("期限（工作日）"),
                required=False,
                min_value=1,
                max_value=MAX_WORKING_DAYS,
                initial=10,
            )
        _style(self)

    def rows(self) -> list[tuple[Any, Any, Any]]:
        return [
            (self[f"text_{n}"], self[f"key_{n}"], self[f"days_{n}"])
            for n in range(1, ITEM_ROWS + 1)
        ]

    def items(self) -> list[OrderItemInput]:
        out = []
        for n in range(1, ITEM_ROWS + 1):
            text = self.cleaned_data.get(f"text_{n}") or ""
            key = self.cleaned_data.get(f"key_{n}") or ""
            if not text and not key:
                continue
            days = self.cleaned_data.get(f"days_{n}") or 10
            out.append(OrderItemInput(text, key, days))
        return out


class RespondForm(StyledFormMixin, forms.Form):
    responded_on = forms.DateField(label=_("回复日期"), widget=DateInput())
    note = forms.CharField(
        label=_("整改回复情况"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    attachments = MultipleFileField(label=_("整改材料（PDF、JPEG、PNG）"), required=False)


class RecheckForm(StyledFormMixin, forms.Form):
    rechecked_on = forms.DateField(label=_("复查日期"), widget=DateInput())
    inspector_2 = forms.ChoiceField(label=_("共同复查的监察员"))
    note = forms.CharField(
        label=_("复查情况"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    attachments = MultipleFileField(label=_("复查材料（PDF、JPEG、PNG）"), required=False)

    def __init__(
        self, *args: Any, items: list[OrderItem], inspectors: list[Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["inspector_2"]
        if isinstance(field, forms.ChoiceField):
            field.choices = [
                ("", _("请选择")),
                *((str(u.pk), u.display_name) for u in inspectors),
            ]
        self.order_items = items
        for item in items:
            self.fields[f"result_{item.pk}"] = forms.ChoiceField(
                label=_("第%(n)d项") % {"n": item.position},
                choices=ItemResult.choices,
                widget=forms.RadioSelect,
            )
            self.fields[f"result_note_{item.pk}"] = forms.CharField(
                label=_("说明"), required=False, max_length=500
            )
        _style(self)

    def item_rows(self) -> list[tuple[OrderItem, Any, Any]]:
        return [(i, self[f"result_{i.pk}"], self[f"result_note_{i.pk}"]) for i in self.order_items]


class CloseForm(StyledFormMixin, forms.Form):
    note = forms.CharField(
        label=_("销号说明"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class EscalateForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("立案理由"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

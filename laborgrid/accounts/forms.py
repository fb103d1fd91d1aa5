from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from laborgrid.accounts.roles import Role
from laborgrid.core.forms import StyledFormMixin


class UserCreateForm(StyledFormMixin, forms.Form):
    username = forms.RegexField(
        label=_("用户名"),
        max_length=150,
        regex=r"^[A-Za-z0-9_.-]+$",
        error_messages={"invalid": _("用户名只能包含字母、数字和 . _ -")},
    )
    full_name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.RegexField(
        label=_("工作电话"),
        max_length=20,
        required=False,
        regex=r"^[0-9+\- ]{5,20}$",
        error_messages={"invalid": _("电话号码格式不正确")},
    )
    title = forms.CharField(label=_("职务"), max_length=50, required=False)
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    account_expires_on = forms.DateField(
        label=_("账号有效期至"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    password = forms.CharField(
        label=_("初始密码"),
        widget=forms.PasswordInput(render_value=False),
        help_text=password_validation.password_validators_help_text_html,
    )


class UserEditForm(StyledFormMixin, forms.Form):
    full_name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.RegexField(
        label=_("工作电话"),
        max_length=20,
        required=False,
        regex=r"^[0-9+\- ]{5,20}$",
        error_messages={"invalid": _("电话号码格式不正确")},
    )
    title = forms.CharField(label=_("职务"), max_length=50, required=False)
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    account_expires_on = forms.DateField(
        label=_("账号有效期至"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    is_active = forms.BooleanField(label=_("启用"), required=False)


class InitialPasswordForm(StyledFormMixin, forms.Form):
    password = forms.CharField(
        label=_("新的初始密码"),
        widget=forms.PasswordInput(render_value=False),
        help_text=_("用户首次登录后必须修改；该用户现有的 API 令牌将被撤销。"),
    )


class AssignmentForm(StyledFormMixin, forms.Form):
    grid = forms.CharField(label=_("网格编码"), max_length=32)
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    duty = forms.CharField(label=_("责任分工"), max_length=200, required=False)
    valid_from = forms.DateField(
        label=_("生效日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_to = forms.DateField(
        label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        if (
            data.get("valid_to")
            and data.get("valid_from")
            and data["valid_to"] < data["valid_from"]
        ):
            self.add_error("valid_to", _("截止日期不能早于生效日期"))
        return data

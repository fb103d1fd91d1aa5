"""Sign-in, password change, API tokens, and staff management (系统管理员 / 安全管理员)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from laborgrid.accounts import mfa, services
from laborgrid.accounts.forms import (
    AssignmentForm,
    InitialPasswordForm,
    UserCreateForm,
    UserEditForm,
)
from laborgrid.accounts.models import ApiToken, GridAssignment, User
from laborgrid.accounts.roles import Cap
from laborgrid.core.forms import StyledFormMixin
from laborgrid.core.scope import get_scope, require_capability, scope_q
from laborgrid.core.types import AuthedRequest
from laborgrid.grids.models import Grid


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "failure_limit": settings.AXES_FAILURE_LIMIT}


class StyledPasswordChangeForm(StyledFormMixin, PasswordChangeForm):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = StyledPasswordChangeForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("site:home")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.password_changed(user=self.request.user, request=self.request)  # type: ignore[arg-type]
        messages.success(self.request, _("密码已修改。"))
        return response


@login_required
@require_GET
def token_list(request: AuthedRequest) -> HttpResponse:
    tokens = ApiToken.objects.filter(user=request.user).order_by("-created_at")[:50]
    return render(request, "accounts/token_list.html", {"tokens": tokens, "now": timezone.now()})


@login_required
@require_POST
def token_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    token = ApiToken.objects.filter(user=request.user, pk=pk).first()
    if token is None:
        raise Http404
    services.revoke_token(actor=request.user, token=token, request=request)
    messages.success(request, _("令牌已撤销。"))
    return redirect("accounts:token_list")


# --- Staff management ---------------------------------------------------------------------------


def manageable_users(user: Any) -> QuerySet[User]:
    """Accounts a 系统管理员/安全管理员 may see: anyone placed in their subtrees, or not yet placed.
    Employer accounts (issue 17) are not staff: they are managed from the employer's page and
    can never be given a grid role."""
    scope = get_scope(user)
    if not (scope.has(Cap.USER_MANAGE) or scope.has(Cap.ROLE_MANAGE)):
        return User.objects.none()
    in_scope = scope_q(user, Cap.USER_MANAGE, "assignments__grid__path") | scope_q(
        user, Cap.ROLE_MANAGE, "assignments__grid__path"
    )
    staff = User.objects.filter(employer__isnull=True)
    return staff.filter(in_scope | Q(assignments__isnull=True)).distinct()


def access_user(actor: User, pk: int) -> User:
    target = manageable_users(actor).filter(pk=pk).first()
    if target is None:
        raise Http404
    return target


def _require_staff_admin(user: Any) -> None:
    scope = get_scope(user)
    if not (scope.has(Cap.USER_MANAGE) or scope.has(Cap.ROLE_MANAGE)):
        raise Http404


@login_required
@require_GET
def user_list(request: HttpRequest) -> HttpResponse:
    _require_staff_admin(request.user)
    q = request.GET.get("q", "").strip()
    users = manageable_users(request.user).order_by("username")
    if q:
        users = users.filter(Q(username__icontains=q) | Q(full_name__contains=q))
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    current = (
        GridAssignment.objects.current()
        .filter(user__in=list(page.object_list))
        .select_related("grid")
    )
    by_user: dict[int, list[GridAssignment]] = {}
    for a in current:
        by_user.setdefault(a.user_id, []).append(a)
    rows = [(u, by_user.get(u.pk, [])) for u in page.object_list]
    return render(request, "accounts/user_list.html", {"page": page, "rows": rows, "q": q})


@login_required
@require_http_methods(["GET", "POST"])
def user_create(request: AuthedRequest) -> HttpResponse:
    require_capability(request.user, Cap.USER_MANAGE)
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.create_user(actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errs in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errs)
            else:
                form.add_error("password", exc.messages)
        else:
            messages.success(request, _("已创建用户 %(u)s。") % {"u": user.username})
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form, "title": _("新建用户")})


@login_required
@require_GET
def user_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    _require_staff_admin(request.user)
    target = access_user(request.user, pk)
    assignments = target.assignments.select_related("grid", "created_by").order_by("-valid_from")
    scope = get_scope(request.user)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "target": target,
            "assignments": assignments,
            "today": timezone.localdate(),
            "can_edit": scope.has(Cap.USER_MANAGE),
            "can_assign": scope.has(Cap.ROLE_MANAGE),
            "mfa_enrolled": mfa.confirmed_device(target) is not None,
            "assign_form": AssignmentForm(initial={"valid_from": timezone.localdate()}),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def user_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    require_capability(request.user, Cap.USER_MANAGE)
    target = access_user(request.user, pk)
    fields = ["full_name", "phone", "title", "email", "account_expires_on", "is_active"]
    form = UserEditForm(request.POST or None, initial={f: getattr(target, f) for f in fields})
    if request.method == "POST" and form.is_valid():
        try:
            services.update_user(
                actor=request.user, user=target, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            for field, errs in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errs)
        else:
            messages.success(request, _("已保存。"))
            return redirect("accounts:user_detail", pk=target.pk)
    return render(
        request, "accounts/user_form.html", {"form": form, "title": _("编辑用户"), "target": target}
    )


@login_required
@require_http_methods(["GET", "POST"])
def user_set_password(request: AuthedRequest, pk: int) -> HttpResponse:
    """A 系统管理员 sets a new initial password (new staff without one, forgotten password)."""
    require_capability(request.user, Cap.USER_MANAGE)
    target = access_user(request.user, pk)
    form = InitialPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_initial_password(
                actor=request.user,
                user=target,
                password=form.cleaned_data["password"],
                request=request,
            )
        except ValidationError as exc:
            form.add_error("password", exc.messages)
        else:
            messages.success(request, _("已设置初始密码，请当面告知本人。"))
            return redirect("accounts:user_detail", pk=target.pk)
    return render(
        request,
        "accounts/user_form.html",
        {"form": form, "title": _("设置初始密码"), "target": target},
    )


@login_required
@require_POST
def assignment_add(request: AuthedRequest, pk: int) -> HttpResponse:
    require_capability(request.user, Cap.ROLE_MANAGE)
    target = access_user(request.user, pk)
    form = AssignmentForm(request.POST)
    if form.is_valid():
        grid = (
            Grid.objects.visible_to(request.user, Cap.ROLE_MANAGE)
            .filter(code=form.cleaned_data["grid"].strip())
            .first()
        )
        if grid is None:
            messages.error(request, _("找不到该网格，或您无权在该网格分配岗位。"))
        else:
            try:
                services.assign_role(
                    actor=request.user,
                    user=target,
                    grid=grid,
                    role=form.cleaned_data["role"],
                    duty=form.cleaned_data["duty"],
                    valid_from=form.cleaned_data["valid_from"],
                    valid_to=form.cleaned_data["valid_to"],
                    request=request,
                )
                messages.success(request, _("已分配岗位。"))
            except ValidationError as exc:
                messages.error(request, "；".join(str(m) for m in exc.messages))
    else:
        messages.error(
            request,
            "；".join(
                f"{form.fields[f].label}：{' '.join(str(m) for m in e)}"
                for f, e in form.errors.items()
                if f in form.fields
            ),
        )
    return redirect("accounts:user_detail", pk=target.pk)


@login_required
@require_POST
def assignment_end(request: AuthedRequest, pk: int) -> HttpResponse:
    require_capability(request.user, Cap.ROLE_MANAGE)
    assignment = (
        GridAssignment.objects.filter(pk=pk)
        .filter(scope_q(request.user, Cap.ROLE_MANAGE, "grid__path"))
        .select_related("grid", "user")
        .first()
    )
    if assignment is None:
        raise Http404
    services.end_assignment(actor=request.user, assignment=assignment, request=request)
    messages.success(request, _("岗位已结束。"))
    return redirect("accounts:user_detail", pk=assignment.user_id)


@login_required
@require_GET
def lockout_list(request: HttpRequest) -> HttpResponse:
    require_capability(request.user, Cap.ROLE_MANAGE)
    return render(request, "accounts/lockout_list.html", {"lockouts": services.current_lockouts()})


@login_required
@require_POST
def lockout_reset(request: AuthedRequest, pk: int) -> HttpResponse:
    require_capability(request.user, Cap.ROLE_MANAGE)
    services.unlock(actor=request.user, attempt_id=pk, request=request)
    messages.success(request, _("已解除锁定。"))
    return redirect("accounts:lockout_list")


# --- Two-factor sign-in ---------------------------------------------------------------------------


def _safe_next(request: HttpRequest) -> str:
    nxt = request.POST.get("next") or request.GET.get("next") or "/"
    return nxt if url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}) else "/"


@login_required
@require_http_methods(["GET", "POST"])
def mfa_setup(request: AuthedRequest) -> HttpResponse:
    """Enrol an authenticator app: scan the QR code, confirm with one code."""
    enrolled = mfa.confirmed_device(request.user)
    if enrolled is not None and not request.user.is_verified():  # type: ignore[attr-defined]
        return redirect(f"{reverse('accounts:mfa_verify')}?next={request.path}")
    device = mfa.pending_device(request.user)
    if request.method == "POST":
        # Replacing an enrolled authenticator needs the password too (ASVS 7.5.1).
        if enrolled is not None and not request.user.check_password(
            request.POST.get("password", "")
        ):
            messages.error(request, _("请输入正确的登录密码以重新绑定。"))
        elif mfa.confirm_enrolment(
            user=request.user, token=request.POST.get("code", ""), request=request
        ):
            messages.success(request, _("动态口令已绑定，以后登录时需要输入。"))
            return redirect(_safe_next(request))
        else:
            messages.error(request, _("动态口令不正确，请核对手机时间后重试。"))
    return render(
        request,
        "accounts/mfa_setup.html",
        {
            "qr": mfa.qr_svg(device),
            "secret": mfa.secret_base32(device),
            "enrolled": enrolled is not None,
            "required": mfa.mfa_needed(request.user),  # optional for employer accounts
            "next": _safe_next(request),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def mfa_verify(request: AuthedRequest) -> HttpResponse:
    """The second step of sign-in: the current code from the authenticator app."""
    if mfa.confirmed_device(request.user) is None:
        return redirect(f"{reverse('accounts:mfa_setup')}?next={_safe_next(request)}")
    if request.method == "POST":
        if mfa.verify_sign_in(
            user=request.user, token=request.POST.get("code", ""), request=request
        ):
            return redirect(_safe_next(request))
        messages.error(request, _("动态口令不正确或尝试过于频繁，请稍后重试。"))
    return render(request, "accounts/mfa_verify.html", {"next": _safe_next(request)})


@login_required
@require_POST
def mfa_reset(request: AuthedRequest, pk: int) -> HttpResponse:
    require_capability(request.user, Cap.ROLE_MANAGE)
    target = access_user(request.user, pk)
    mfa.reset(actor=request.user, user=target, request=request)
    messages.success(request, _("已重置该用户的动态口令，其下次登录时需重新绑定。"))
    return redirect("accounts:user_detail", pk=target.pk)

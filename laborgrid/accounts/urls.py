from django.contrib.auth import views as auth_views
from django.urls import path

from laborgrid.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("mfa/setup/", views.mfa_setup, name="mfa_setup"),
    path("mfa/verify/", views.mfa_verify, name="mfa_verify"),
    path("users/<int:pk>/mfa/reset/", views.mfa_reset, name="mfa_reset"),
    path("tokens/", views.token_list, name="token_list"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("users/", views.user_list, name="user_list"),
    path("users/add/", views.user_create, name="user_create"),
    path("users/<int:pk>/", views.user_detail, name="user_detail"),
    path("users/<int:pk>/edit/", views.user_edit, name="user_edit"),
    path("users/<int:pk>/password/", views.user_set_password, name="user_set_password"),
    path("users/<int:pk>/assignments/add/", views.assignment_add, name="assignment_add"),
    path("lockouts/", views.lockout_list, name="lockout_list"),
    path("lockouts/<int:pk>/reset/", views.lockout_reset, name="lockout_reset"),
    path("assignments/<int:pk>/end/", views.assignment_end, name="assignment_end"),
]

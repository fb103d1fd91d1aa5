from django.urls import path

from laborgrid.portal import staff_views

app_name = "portal_staff"

urlpatterns = [
    path("", staff_views.invite_list, name="invite_list"),
    path("invites/", staff_views.invite_create, name="invite_create"),
    path("invites/<int:pk>/revoke/", staff_views.invite_revoke, name="invite_revoke"),
    path("accounts/<int:pk>/disable/", staff_views.account_disable, name="account_disable"),
]

from django.urls import path

from laborgrid.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard_home, name="dashboard_home"),
    path("returns/", views.return_home, name="return_home"),
    path("returns/<str:code>/", views.return_list, name="return_list"),
    path("returns/<str:code>/<str:period>/", views.return_detail, name="return_detail"),
    path(
        "returns/<str:code>/<str:period>/download/<str:fmt>/",
        views.return_download,
        name="return_download",
    ),
    path(
        "returns/<str:code>/<str:period>/<str:action>/",
        views.return_action,
        name="return_action",
    ),
    path("<str:code>/", views.dashboard, name="dashboard"),
]

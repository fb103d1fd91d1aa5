from django.urls import path

from laborgrid.incidents import views

app_name = "incidents"

urlpatterns = [
    path("", views.incident_list, name="incident_list"),
    path("report/", views.incident_report, name="incident_report"),
    path("employers/", views.employer_search, name="employer_search"),
    path("<int:pk>/", views.incident_detail, name="incident_detail"),
    path("<int:pk>/updates/", views.incident_update, name="incident_update"),
    path("<int:pk>/settle/", views.incident_settle, name="incident_settle"),
    path("<int:pk>/close/", views.incident_close, name="incident_close"),
    path("<int:pk>/case/", views.incident_case, name="incident_case"),
    path("<int:pk>/photos/", views.incident_photos, name="incident_photos"),
    path("<int:pk>/report.pdf", views.incident_pdf, name="incident_pdf"),
    path("photos/<int:pk>/", views.incident_photo, name="incident_photo"),
    path("warnings/", views.warning_list, name="warning_list"),
    path("warnings/<int:pk>/acknowledge/", views.warning_acknowledge, name="warning_acknowledge"),
    path("warnings/<int:pk>/resolve/", views.warning_resolve, name="warning_resolve"),
    path("settings/", views.incident_settings, name="settings"),
    path("settings/levels/", views.level_save, name="level_save"),
    path("settings/rules/", views.rule_save, name="rule_save"),
]

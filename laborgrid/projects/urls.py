from django.urls import path

from laborgrid.projects import views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="project_list"),
    path("new/", views.project_create, name="project_create"),
    path("import/", views.project_import, name="project_import"),
    path("ledger/", views.ledger, name="ledger"),
    path("ledger/entries/", views.arrears_list, name="arrears_list"),
    path("ledger/<int:pk>/settle/", views.arrears_settle, name="arrears_settle"),
    path("<int:pk>/", views.project_detail, name="project_detail"),
    path("<int:pk>/status/", views.project_status, name="project_status"),
    path("<int:pk>/obligations/<int:ob>/", views.obligation_record, name="obligation_record"),
    path("<int:pk>/obligations/<int:ob>/photo/", views.obligation_photo, name="obligation_photo"),
    path("<int:pk>/roster/", views.roster_upload, name="roster_upload"),
    path("<int:pk>/paysheets/", views.paysheet_upload, name="paysheet_upload"),
    path("<int:pk>/paysheets/<int:sheet>/", views.paysheet_detail, name="paysheet_detail"),
    path("<int:pk>/patrol/", views.project_patrol, name="project_patrol"),
    path("<int:pk>/order/", views.project_order, name="project_order"),
]

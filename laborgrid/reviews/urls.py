from django.urls import path

from laborgrid.reviews import views

app_name = "reviews"

urlpatterns = [
    path("", views.year_list, name="year_list"),
    path("years/add/", views.year_create, name="year_create"),
    path("years/<int:pk>/", views.year_detail, name="year_detail"),
    path("years/<int:pk>/remind/", views.year_remind, name="year_remind"),
    path("years/<int:pk>/close/", views.year_close, name="year_close"),
    path("years/<int:pk>/targets/", views.target_list, name="target_list"),
    path("targets/", views.targets, name="targets"),
    path("targets/<int:pk>/entry/", views.target_entry, name="target_entry"),
    path("targets/<int:pk>/exclude/", views.target_exclude, name="target_exclude"),
    path("submissions/<int:pk>/", views.submission_detail, name="submission_detail"),
    path("submissions/<int:pk>/decide/", views.submission_decide, name="submission_decide"),
    path("submissions/<int:pk>/sample/", views.submission_sample, name="submission_sample"),
    path("submissions/<int:pk>/order/", views.submission_order, name="submission_order"),
    path(
        "submissions/<int:pk>/files/<int:file_id>/",
        views.attachment_file,
        name="attachment_file",
    ),
]

from django.urls import path

from laborgrid.assessment import views

app_name = "assessment"

urlpatterns = [
    path("", views.ranking, name="ranking"),
    path("grid/<str:code>/", views.scorecard, name="scorecard"),
    path("grid/<str:code>/evidence/<str:key>/", views.evidence, name="evidence"),
    path("person/<int:user_id>/", views.person, name="person"),
    path("config/", views.config, name="config"),
    path("compute/", views.compute, name="compute"),
    path("runs/", views.run_detail, name="run_detail"),
    path("runs/<int:pk>/review/", views.review, name="review"),
    path("runs/<int:pk>/publish/", views.publish, name="publish"),
    path("checklist/", views.checklist_home, name="checklist_home"),
    path("checklist/<str:code>/", views.checklist, name="checklist"),
    path("checklist/<str:code>/check/", views.record_check, name="record_check"),
    path("checks/<int:pk>/photo/", views.check_photo, name="check_photo"),
]

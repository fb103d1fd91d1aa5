from django.urls import path

from laborgrid.workdays import views

app_name = "workdays"

urlpatterns = [
    path("", views.calendar_year, name="calendar_year"),
    path("days/save/", views.day_save, name="day_save"),
    path("days/remove/", views.day_remove, name="day_remove"),
    path("years/save/", views.year_save, name="year_save"),
    path("notices/", views.notice_import, name="notice_import"),
]

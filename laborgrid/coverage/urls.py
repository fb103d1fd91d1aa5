from django.urls import path

from laborgrid.coverage import views

app_name = "coverage"

urlpatterns = [
    path("", views.coverage_home, name="coverage_home"),
    path("<str:code>/", views.coverage_detail, name="coverage_detail"),
    path("<str:code>/employers/<str:kind>/", views.gap_list, name="gap_list"),
    path("<str:code>/export/", views.coverage_export, name="coverage_export"),
]

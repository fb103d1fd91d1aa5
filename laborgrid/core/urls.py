from django.urls import path

from laborgrid.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("switch-grid/", views.switch_grid, name="switch_grid"),
    path("healthz", views.healthz, name="healthz"),
]

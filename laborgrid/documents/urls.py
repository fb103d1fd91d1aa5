from django.urls import path

from laborgrid.documents import views

app_name = "documents"

urlpatterns = [
    path("", views.preview_list, name="preview_list"),
    path("preview/", views.preview, name="preview"),
    path("numbering/", views.pattern_list, name="pattern_list"),
    path("numbering/delete/", views.pattern_delete, name="pattern_delete"),
]

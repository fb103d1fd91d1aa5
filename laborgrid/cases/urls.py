from django.urls import URLPattern

from laborgrid.cases.views import certificates, detail, intake, queue

app_name = "cases"

urlpatterns: list[URLPattern] = [
    *queue.urlpatterns,
    *intake.urlpatterns,
    *detail.urlpatterns,
    *certificates.urlpatterns,
]

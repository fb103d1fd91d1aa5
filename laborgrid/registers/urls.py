from django.urls import URLPattern

from laborgrid.registers.views import batches, queues

app_name = "registers"

urlpatterns: list[URLPattern] = [
    *batches.urlpatterns,
    *queues.urlpatterns,
]

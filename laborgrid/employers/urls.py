from django.urls import URLPattern

from laborgrid.employers.views import archive, edit, listing, roster, wages

app_name = "employers"

urlpatterns: list[URLPattern] = [
    *listing.urlpatterns,
    *archive.urlpatterns,
    *edit.urlpatterns,
    *roster.urlpatterns,
    *wages.urlpatterns,
]

from django.urls import include, path

from laborgrid.api.api import api

urlpatterns = [
    path("", include("laborgrid.core.urls")),
    path("accounts/", include("laborgrid.accounts.urls")),
    path("grids/", include("laborgrid.grids.urls")),
    path("audit/", include("laborgrid.audit.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
]

from django.urls import include, path, re_path

from laborgrid.api.api import api
from laborgrid.api.middleware import api_not_found

urlpatterns = [
    path("", include("laborgrid.site.urls")),
    path("", include("laborgrid.core.urls")),
    path("accounts/", include("laborgrid.accounts.urls")),
    path("grids/", include("laborgrid.grids.urls")),
    path("employers/", include("laborgrid.employers.urls")),
    path("registers/", include("laborgrid.registers.urls")),
    path("coverage/", include("laborgrid.coverage.urls")),
    path("audit/", include("laborgrid.audit.urls")),
    path("calendar/", include("laborgrid.workdays.urls")),
    path("documents/", include("laborgrid.documents.urls")),
    path("deadlines/", include("laborgrid.deadlines.urls")),
    path("cases/", include("laborgrid.cases.urls")),
    path("rectifications/", include("laborgrid.rectifications.urls")),
    path("projects/", include("laborgrid.projects.urls")),
    path("complaint/", include("laborgrid.cases.public_urls")),
    path("public/", include("laborgrid.ratings.public_views")),
    path("ratings/", include("laborgrid.ratings.urls")),
    path("notifications/", include("laborgrid.notifications.urls")),
    path("collection/", include("laborgrid.collection.urls")),
    path("incidents/", include("laborgrid.incidents.urls")),
    path("assessment/", include("laborgrid.assessment.urls")),
    path("reports/", include("laborgrid.reports.urls")),
    path("inspections/", include("laborgrid.inspections.urls")),
    path("reviews/", include("laborgrid.reviews.urls")),
    path("portal-accounts/", include("laborgrid.portal.staff_urls")),
    path("portal/", include("laborgrid.portal.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    re_path(r"^api/", api_not_found, name="api_not_found"),
]

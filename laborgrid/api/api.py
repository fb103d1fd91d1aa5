"""The ninja API assembly: each app owns its router; this module only mounts them.

Errors are always JSON ``{"detail": ...}`` — never an HTML error page.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from laborgrid.accounts.api import router as auth_router
from laborgrid.api.auth import api_auth
from laborgrid.assessment.api import router as assessment_router
from laborgrid.cases.api import public_router as public_complaints_router
from laborgrid.cases.api import router as cases_router
from laborgrid.collection.api import router as collection_router
from laborgrid.coverage.api import router as coverage_router
from laborgrid.employers.api import router as employers_router
from laborgrid.grids.api import router as grids_router
from laborgrid.incidents.api import router as incidents_router
from laborgrid.incidents.api import warnings_router
from laborgrid.inspections.api import router as inspections_router
from laborgrid.portal.api import router as portal_router
from laborgrid.portal.api import staff_router as portal_invites_router
from laborgrid.projects.api import router as projects_router
from laborgrid.ratings.api import public_router as public_lists_router
from laborgrid.ratings.api import router as ratings_router
from laborgrid.rectifications.api import router as rectifications_router
from laborgrid.registers.api import router as registers_router
from laborgrid.reports.api import dashboard_router, returns_router
from laborgrid.reviews.api import router as reviews_router
from laborgrid.workdays.api import router as workdays_router

logger = logging.getLogger(__name__)

api = NinjaAPI(
    title="laborgrid API",
    version="1",
    description="劳动保障监察两网化管理平台 API. Authenticate with `POST /api/v1/auth/token`, "
    "then send `Authorization: Bearer <token>`.",
    auth=api_auth,
    urls_namespace="api",
)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, {"detail": _("未找到")}, status=404)


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, {"detail": _("无权执行此操作")}, status=403)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, {"detail": _("需要登录或有效的令牌")}, status=401)


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": exc.messages}, status=422)


@api.exception_handler(NinjaValidationError)
def invalid_input(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return api.create_response(
        request, {"detail": _("请求参数无效"), "errors": exc.errors}, status=422
    )


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(RequestDataTooBig)
def too_big(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A body over ``DATA_UPLOAD_MAX_MEMORY_SIZE``: refused before it is read, on every endpoint."""
    return api.create_response(request, {"detail": _("请求体过大。")}, status=413)


@api.exception_handler(Exception)
def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("API error on %s", request.path)
    return api.create_response(request, {"detail": _("服务器内部错误")}, status=500)


api.add_router("/auth/", auth_router)
api.add_router("/grids", grids_router)
api.add_router("/employers", employers_router)
api.add_router("/imports", registers_router)
api.add_router("/coverage", coverage_router)
api.add_router("/calendar", workdays_router)
api.add_router("/collection", collection_router)
api.add_router("/public/complaints", public_complaints_router)
api.add_router("/cases", cases_router)
api.add_router("/incidents", incidents_router)
api.add_router("/warnings", warnings_router)
api.add_router("/assessment", assessment_router)
api.add_router("/rectifications", rectifications_router)
api.add_router("/projects", projects_router)
api.add_router("/dashboard", dashboard_router)
api.add_router("/returns", returns_router)
api.add_router("/inspections", inspections_router)
api.add_router("/ratings", ratings_router)
api.add_router("/public", public_lists_router)
api.add_router("/employers", portal_invites_router)
api.add_router("/reviews", reviews_router)
api.add_router("/portal", portal_router)

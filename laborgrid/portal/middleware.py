"""The portal is a separate area (issue 17 §7): one choke point for every page request.

* An employer account reaches only the portal (``/portal/``), its own sign-in pages (login,
  logout, password, two-factor), static files and language switching; ``/`` sends it to the
  portal; every other page answers 404 as if it did not exist. (The API has its own choke point:
  ``laborgrid.api.auth.refuse_employer_accounts``.)
* Staff never see the employer area (404), except the public activation page.

The check reads ``user.employer_id`` from the user row already loaded: no query.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

PORTAL = "/portal/"
PUBLIC_PORTAL = ("/portal/activate/",)
EMPLOYER_ALLOWED = (
    PORTAL,
    "/static/",
    "/i18n/",
    "/api/",
    "/healthz",
    "/accounts/login/",
    "/accounts/logout/",
    "/accounts/password/",
    "/accounts/mfa/setup/",
    "/accounts/mfa/verify/",
)


class PortalAreaMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        path = request.path
        if user is not None and user.is_authenticated:
            if getattr(user, "employer_id", None) is not None:
                if path == "/":
                    return redirect("portal:home")
                if not path.startswith(EMPLOYER_ALLOWED):
                    raise Http404
            elif path.startswith(PORTAL) and not path.startswith(PUBLIC_PORTAL):
                raise Http404
        return self.get_response(request)

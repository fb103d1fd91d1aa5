"""What every page of the shell needs: the menus apps registered (``core.extensions``), shown by
capability, the demo flag. (The grid
switcher's context comes from ``laborgrid.grids.context_processors``.)"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from laborgrid.core.extensions import menus_for
from laborgrid.core.scope import get_scope

APP_NAME = _("劳动保障监察两网化管理平台")


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    ctx: dict[str, Any] = {
        "APP_NAME": APP_NAME,
        "DEMO_MODE": settings.ENVIRONMENT == "demo",
        "MFA_REQUIRED": settings.LABORGRID_MFA_REQUIRED,
    }
    if user is None or not user.is_authenticated:
        return ctx
    scope = get_scope(user)
    ctx.update(
        {
            "scope": scope,
            "caps": {cap.replace(".", "_"): True for cap in scope.by_capability},
            "nav_menus": menus_for(lambda cap: cap in scope.by_capability, user),
        }
    )
    return ctx

"""The layout of the pages employer accounts share with staff (password change, two-factor
setup and sign-in): an employer account sees them inside the portal's layout (issue 17 §7: the
portal is a separate area of the UI), staff inside the staff shell. No query: the employer is a
column of the user row already loaded."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

PORTAL_LAYOUT = "portal/base.html"
STAFF_LAYOUT = "base.html"


def account_layout(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    employer = user is not None and getattr(user, "employer_id", None) is not None
    return {"account_layout": PORTAL_LAYOUT if employer else STAFF_LAYOUT}

"""``{% demo_accounts as accounts %}``: the demo's sign-in accounts for the login page.

Only in the demo (``LABORGRID_ENV=demo``): elsewhere the list is empty, so no account name or
password is ever shown outside it. Lives in ``site`` (the top layer, which may read the grids
app's demo staff) so that ``accounts`` imports no app.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.conf import settings

from laborgrid.accounts.roles import Role
from laborgrid.grids.demo import DEMO_USERS

register = template.Library()

#: The assistant the demo signs in with (generated with the township's staff, not in DEMO_USERS).
ASSISTANT = "maochang-a1"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str


@dataclass(frozen=True)
class DemoAccounts:
    accounts: list[DemoAccount]
    password: str


@register.simple_tag
def demo_accounts() -> DemoAccounts | None:
    if settings.ENVIRONMENT != "demo":
        return None
    accounts = []
    for username, (_name, role, _code, _title) in DEMO_USERS.items():
        accounts.append(DemoAccount(username, str(Role(role).label)))
        if username == "maochang":
            accounts.append(DemoAccount(ASSISTANT, str(Role.ASSISTANT.label)))
    return DemoAccounts(accounts, settings.LABORGRID_DEMO_PASSWORD)

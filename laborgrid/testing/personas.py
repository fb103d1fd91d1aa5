"""Shared personas of the 大方县 demo (ARCHITECTURE §3 rule 7) and small builders."""

from __future__ import annotations

from django.test import Client

from laborgrid.accounts.models import User

COUNTY = "520521"
MAOCHANG = "520521102"  # 猫场镇: the persona's own township
MACHANG = "520521103"  # 马场镇: the other township, never visible to 猫场镇 staff
MAOCHANG_VILLAGE = "520521102002"
MACHANG_VILLAGE = "520521103002"

PERSONAS = {
    "county": "county inspector (county brigade)",
    "leader": "county leader (read-only)",
    "maochang": "猫场镇 squadron leader",
    "maochang-a1": "猫场镇 assistant",
    "machang": "马场镇 squadron leader (other township)",
    "sysadmin": "system administrator",
    "secadmin": "security administrator",
    "auditor": "auditor",
}


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client

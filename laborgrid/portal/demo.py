"""The portal's part of the 大方县 demo: 猫场镇's squadron has invited 兴旺建筑劳务 — its manager
陈德海 activated the account (demo login ``xingwang``, the demo password), and a second letter
for its payroll clerk is waiting to be activated. Idempotent."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings

from laborgrid.accounts.models import User
from laborgrid.employers.models import Employer
from laborgrid.portal import services
from laborgrid.portal.models import PortalInvite

XINGWANG = "大方县猫场镇兴旺建筑劳务有限公司"
DEMO_LOGIN = "xingwang"


def seed(log: Callable[[str], None] = print) -> None:
    employer = Employer.objects.filter(name=XINGWANG).first()
    leader = User.objects.filter(username="maochang").first()
    if employer is None or leader is None or User.objects.filter(username=DEMO_LOGIN).exists():
        return
    invite, code = services.issue_invite(
        actor=leader, employer=employer, person_name="陈德海", person_position="总经理"
    )
    PortalInvite.objects.filter(pk=invite.pk).update(username=DEMO_LOGIN)
    # The validators refuse the published demo password; the demo sets it after activation.
    user = services.activate(uscc=employer.uscc or "", code=code, password="Xw!demo-" + code)
    user.set_password(settings.LABORGRID_DEMO_PASSWORD)
    user.is_demo = True
    user.save(update_fields=["password", "is_demo"])
    services.issue_invite(
        actor=leader, employer=employer, person_name="罗会计", person_position="会计"
    )
    log(f"网上申报：{employer.name} 已开通账号 {DEMO_LOGIN}，另有 1 份激活通知书待激活")

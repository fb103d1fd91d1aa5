"""``create_staff``: create a named account with a role on a grid, from the command line.

For installation day: the 系统管理员, 安全管理员 and 审计管理员 accounts (三员, separate accounts) and
the first county inspectors. There is no default account: each gets a random one-time password,
printed once, which must be changed at first sign-in.
"""

from __future__ import annotations

import secrets
import string
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from laborgrid.accounts import services
from laborgrid.accounts.models import User
from laborgrid.accounts.roles import Role
from laborgrid.grids.models import Grid


def one_time_password() -> str:
    alphabet = string.ascii_letters + string.digits
    while True:
        body = "".join(secrets.choice(alphabet) for _ in range(14))
        pw = f"{body}#{secrets.randbelow(90) + 10}"
        if any(c.islower() for c in pw) and any(c.isupper() for c in pw):
            return pw


class Command(BaseCommand):
    help = "Create a staff account with a role on a grid; prints a one-time password."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="姓名")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--grid", required=True, help="grid code, e.g. 520521")
        parser.add_argument("--phone", default="")
        parser.add_argument("--title", default="")

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        grid = Grid.objects.filter(code=options["grid"]).first()
        if grid is None:
            raise CommandError(f"网格 {options['grid']} 不存在（先运行 import_divisions）。")
        if User.objects.filter(username=options["username"]).exists():
            raise CommandError(f"用户名 {options['username']} 已存在。")
        password = one_time_password()
        try:
            user = services.create_user(
                actor=None,
                username=options["username"],
                password=password,
                full_name=options["name"],
                phone=options["phone"],
                title=options["title"],
                force_password_change=True,
            )
            services.assign_role(
                actor=None, user=user, grid=grid, role=options["role"], check_actor_scope=False
            )
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        self.stdout.write(f"已创建 {user.username}（{Role(options['role']).label}，{grid.name}）")
        self.stdout.write(f"一次性密码：{password}")
        self.stdout.write("首次登录后必须修改密码。")

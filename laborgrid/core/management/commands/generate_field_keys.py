"""Print a new key ring for LABORGRID_FIELD_KEYS (encryption of personal numbers at rest)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from laborgrid.lib.crypto import CIPHER_ALGORITHMS, generate_config


class Command(BaseCommand):
    help = (
        "生成个人号码字段加密密钥（写入环境变量 LABORGRID_FIELD_KEYS）。"
        "商用密码场景用 --algorithm sm4-gcm（同时使用 HMAC-SM3 检索索引）。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--algorithm", choices=sorted(CIPHER_ALGORITHMS), default="aes-256-gcm")
        parser.add_argument("--key-id", default="k1", help="密钥编号（轮换时换一个新编号）")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(generate_config(options["algorithm"], key_id=options["key_id"]))

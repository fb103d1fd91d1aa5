"""Read the State Council's yearly holiday notice from a text file and, with ``--confirm``, store
it in the working-day calendar (``workdays.services.import_notice``: one audited edit, deadlines
recomputed). Without ``--confirm`` it only prints what it read and what would change."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from laborgrid.accounts.models import GridAssignment, User
from laborgrid.accounts.roles import ROLE_CAPABILITIES, Cap
from laborgrid.workdays import services
from laborgrid.workdays.notice import MAX_TEXT


def read_text(path: str) -> str:
    raw = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    if len(raw) > MAX_TEXT * 4:
        raise CommandError(f"{path}: too large for a notice ({len(raw)} bytes)")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CommandError(f"{path}: neither UTF-8 nor GB18030 text")


def calendar_admin(username: str | None) -> User:
    if username:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"no active account {username!r}")
        return user
    roles = [r for r, caps in ROLE_CAPABILITIES.items() if Cap.CALENDAR_MANAGE in caps]
    ids = set(
        GridAssignment.objects.current().filter(role__in=roles).values_list("user_id", flat=True)
    )
    admins = list(User.objects.filter(pk__in=ids, is_active=True))
    if len(admins) != 1:
        raise CommandError("name the system administrator to import as: --user USERNAME")
    return admins[0]


class Command(BaseCommand):
    help = (
        "Read 国务院办公厅关于20XX年部分节假日安排的通知 from FILE (UTF-8 or GB18030; - for stdin) "
        "and print the days it gives; --confirm stores them in the working-day calendar."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument(
            "--confirm", action="store_true", help="store the days (else a dry run)"
        )
        parser.add_argument(
            "--user", help="the system administrator to record (default: the only one)"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        text = read_text(opts["file"])
        actor = calendar_admin(opts.get("user"))
        result = services.import_notice(actor=actor, text=text, confirm=opts["confirm"])
        notice = result.notice
        write = self.stdout.write
        if notice.year is not None:
            write(f"{notice.year} {notice.number}".strip())
        for section in notice.sections:
            rest = ", ".join(d.isoformat() for d in section.rest) or "-"
            work = ", ".join(d.isoformat() for d in section.work) or "-"
            write(f"  {section.number} {','.join(section.holidays) or section.title}")
            write(f"    rest: {rest}")
            write(f"    work: {work}")
        for warning in notice.warnings:
            write(self.style.WARNING(f"warning: {warning}"))
        if not notice.ok:
            for error in notice.errors:
                self.stderr.write(f"error: {error}")
            raise CommandError("the notice was not stored")
        for change in result.changes:
            write(f"  {change.change} {change.date.isoformat()}: {change.before} -> {change.after}")
        write(f"unchanged days: {result.unchanged}; changes: {len(result.changes)}")
        if result.stored:
            write(self.style.SUCCESS(f"stored; calendar version {result.calendar_version}"))
        else:
            write("dry run: nothing stored (add --confirm to store)")

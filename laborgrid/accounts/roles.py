"""Roles (ARCHITECTURE §4) and what each may do, by capability.

A role is held on a grid through a ``GridAssignment``; its capabilities apply to that grid's
subtree. This table is the single place that says who may do what: the scope engine reads it and
every view and endpoint asks the scope engine.

三员分立 (SECURITY.md): the system administrator manages users and the grid structure, the security
administrator manages roles and lockouts, the auditor reads the audit log; none of them gets
``work.*`` (case files, employer data).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COUNTY_INSPECTOR = "county_inspector", _("监察员")
    SQUADRON_LEADER = "squadron_leader", _("中队长")
    GRID_OFFICER = "grid_officer", _("专职工作人员")
    ASSISTANT = "assistant", _("协管员")
    LEADER = "leader", _("领导（只读）")
    SYSADMIN = "sysadmin", _("系统管理员")
    SECADMIN = "secadmin", _("安全管理员")
    AUDITOR = "auditor", _("审计管理员")
    EMPLOYER = "employer", _("用人单位")


class Cap:
    """Capabilities. ``*.read`` never implies ``*.write``; a read-only role holds no write cap."""

    GRID_READ = "grid.read"  # see grids, their boundaries and responsible staff
    GRID_MANAGE = "grid.manage"  # create, edit, move, merge grids
    WORK_READ = "work.read"  # employer, case and inspection data
    WORK_WRITE = "work.write"
    STAFF_READ = "staff.read"
    USER_MANAGE = "user.manage"  # create/disable accounts (系统管理员)
    ROLE_MANAGE = "role.manage"  # assign roles on grids, unlock accounts (安全管理员)
    AUDIT_READ = "audit.read"  # 审计管理员
    # See a personal number (ID, phone) in full, with a reason, audited (DOMAIN A6). Inspectors,
    # squadron leaders and full-time officers who work cases need it; assistants and leaders do not.
    PII_REVEAL = "pii.reveal"
    # Reference settings of the system administrator (ARCHITECTURE §7): the working-day calendar
    # (DOMAIN A4, B7) and the numbering patterns of documents (文书, DOMAIN B1.11).
    CALENDAR_MANAGE = "calendar.manage"
    DOCUMENT_CONFIGURE = "document.configure"
    # Sign off a grid's statistical return (the township's 中队长), consolidate and lock the
    # county's (监察员 of the county brigade): held where the role is held (reports app).
    RETURN_SIGN = "return.sign"


ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.COUNTY_INSPECTOR: frozenset(
        {
            Cap.GRID_READ,
            Cap.GRID_MANAGE,
            Cap.WORK_READ,
            Cap.WORK_WRITE,
            Cap.STAFF_READ,
            Cap.PII_REVEAL,
            Cap.RETURN_SIGN,
        }
    ),
    Role.SQUADRON_LEADER: frozenset(
        {
            Cap.GRID_READ,
            Cap.GRID_MANAGE,
            Cap.WORK_READ,
            Cap.WORK_WRITE,
            Cap.STAFF_READ,
            Cap.PII_REVEAL,
            Cap.RETURN_SIGN,
        }
    ),
    Role.GRID_OFFICER: frozenset(
        {Cap.GRID_READ, Cap.WORK_READ, Cap.WORK_WRITE, Cap.STAFF_READ, Cap.PII_REVEAL}
    ),
    Role.ASSISTANT: frozenset({Cap.GRID_READ, Cap.WORK_READ, Cap.WORK_WRITE, Cap.STAFF_READ}),
    Role.LEADER: frozenset({Cap.GRID_READ, Cap.WORK_READ, Cap.STAFF_READ}),
    Role.SYSADMIN: frozenset(
        {
            Cap.GRID_READ,
            Cap.GRID_MANAGE,
            Cap.STAFF_READ,
            Cap.USER_MANAGE,
            Cap.CALENDAR_MANAGE,
            Cap.DOCUMENT_CONFIGURE,
        }
    ),
    Role.SECADMIN: frozenset({Cap.GRID_READ, Cap.STAFF_READ, Cap.ROLE_MANAGE}),
    Role.AUDITOR: frozenset({Cap.AUDIT_READ}),
    Role.EMPLOYER: frozenset(),
}

# Roles that count as a grid's responsible staff (shown on the grid page, 责任到人).
STAFF_ROLES = (
    Role.COUNTY_INSPECTOR,
    Role.SQUADRON_LEADER,
    Role.GRID_OFFICER,
    Role.ASSISTANT,
)
# Administrative roles: the 三员 must be separate accounts (SECURITY.md 访问控制 d).
ADMIN_ROLES = frozenset({Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR})

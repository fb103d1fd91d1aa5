"""Early warnings (欠薪预警): computed by rule (``warning_rules``), then acknowledged and resolved
by the grid's staff. One write path each (ARCHITECTURE rule 1).

``compute_warnings`` is idempotent: at most one standing (open or acknowledged) warning per rule
and subject (a database constraint says so too); a run that finds the same subject again updates
that warning's count, evidence and ``last_seen_at``. A warning someone resolved is raised again
only for evidence newer than its resolution. Run daily by ``manage.py compute_warnings`` or the
``compute_warnings_task``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from laborgrid.accounts.roles import Cap
from laborgrid.audit.services import record
from laborgrid.core.scope import check_write
from laborgrid.incidents.audit_actions import IncidentAction
from laborgrid.incidents.chain import chain_for
from laborgrid.incidents.choices import STANDING_WARNING, WarningStatus
from laborgrid.incidents.models import EarlyWarning, WarningRule
from laborgrid.incidents.warning_rules import Finding, rule_def, rule_label
from laborgrid.notifications.services import notify

if TYPE_CHECKING:
    from laborgrid.accounts.models import User


@dataclass
class Computed:
    raised: list[EarlyWarning] = field(default_factory=list)
    updated: int = 0
    skipped_rules: list[str] = field(default_factory=list)  # active but without a finder


def compute_warnings(*, today: dt.date | None = None) -> Computed:
    """Run every active rule that has a finder; raise or refresh warnings."""
    today = today or timezone.localdate()
    now = timezone.now()
    out = Computed()
    for rule in WarningRule.objects.filter(is_active=True).order_by("key"):
        definition = rule_def(rule.key)
        if definition is None or definition.find is None:
            out.skipped_rules.append(rule.key)
            continue
        findings = list(definition.find(rule, today))
        standing = {
            w.subject_key: w
            for w in EarlyWarning.objects.filter(rule=rule, status__in=STANDING_WARNING)
        }
        resolved: dict[str, dt.datetime] = {}
        for key, at in (
            EarlyWarning.objects.filter(rule=rule, status=WarningStatus.RESOLVED)
            .filter(
                subject_key__in=[f.subject_key for f in findings if f.subject_key not in standing]
            )
            .values_list("subject_key", "resolved_at")
        ):
            if at is not None and (key not in resolved or at > resolved[key]):
                resolved[key] = at
        for finding in findings:
            current = standing.get(finding.subject_key)
            if current is not None:
                EarlyWarning.objects.filter(pk=current.pk).update(
                    count=finding.count, evidence=finding.evidence, last_seen_at=now
                )
                out.updated += 1
                continue
            last = resolved.get(finding.subject_key)
            if last is not None and timezone.localdate(last) >= finding.latest:
                continue
            warning = _raise(rule, finding, now)
            if warning is not None:
                out.raised.append(warning)
    return out


def _raise(rule: WarningRule, finding: Finding, now: dt.datetime) -> EarlyWarning | None:
    try:
        with transaction.atomic():
            warning = EarlyWarning.objects.create(
                rule=rule,
                subject_key=finding.subject_key,
                subject_name=finding.subject_name,
                employer_id=finding.employer_id,
                grid_id=finding.grid_id,
                grid_path=finding.grid_path,
                count=finding.count,
                evidence=finding.evidence,
                raised_at=now,
                last_seen_at=now,
            )
            record(
                IncidentAction.WARNING_RAISED,
                username="system",
                obj=warning,
                detail={"rule": rule.key, "count": finding.count},
            )
            chain = chain_for(finding.grid_path, brigade=False, bureau=False)
            users = chain.squadron or chain_for(finding.grid_path, bureau=False).brigade
            notify(
                users,
                title=_("欠薪预警：%(rule)s · %(name)s")
                % {"rule": rule_label(rule.key), "name": finding.subject_name},
                url=warning.get_absolute_url(),
            )
    except IntegrityError:  # another run raised it first
        return None
    return warning


@transaction.atomic
def acknowledge_warning(*, actor: User, warning: EarlyWarning, request: Any = None) -> EarlyWarning:
    """知悉: someone of the grid has seen it and is looking into it."""
    check_write(actor, Cap.WORK_WRITE, warning.grid_path)
    warning = EarlyWarning.objects.select_for_update().get(pk=warning.pk)
    if warning.status != WarningStatus.OPEN:
        raise ValidationError(_("只有待处理的预警可以标记为已知悉。"))
    warning.status = WarningStatus.ACKNOWLEDGED
    warning.acknowledged_by = actor
    warning.acknowledged_at = timezone.now()
    warning.save(update_fields=["status", "acknowledged_by", "acknowledged_at"])
    record(
        IncidentAction.WARNING_ACKNOWLEDGED,
        actor=actor,
        request=request,
        obj=warning,
        detail={"status": warning.status},
    )
    return warning


@transaction.atomic
def resolve_warning(
    *, actor: User, warning: EarlyWarning, resolution: str, request: Any = None
) -> EarlyWarning:
    """解除: what was done (wages paid, a case opened, a false alarm), in writing."""
    check_write(actor, Cap.WORK_WRITE, warning.grid_path)
    warning = EarlyWarning.objects.select_for_update().get(pk=warning.pk)
    if warning.status == WarningStatus.RESOLVED:
        raise ValidationError(_("预警已解除。"))
    text = (resolution or "").replace("\x00", "").strip()
    if not text:
        raise ValidationError({"resolution": [_("请写明解除理由和处理情况。")]})
    if len(text) > 500:
        raise ValidationError({"resolution": [_("不能超过 %(n)d 个字。") % {"n": 500}]})
    warning.status = WarningStatus.RESOLVED
    warning.resolved_by = actor
    warning.resolved_at = timezone.now()
    warning.resolution = text
    warning.save(update_fields=["status", "resolved_by", "resolved_at", "resolution"])
    record(
        IncidentAction.WARNING_RESOLVED,
        actor=actor,
        request=request,
        obj=warning,
        detail={"status": warning.status},
    )
    return warning

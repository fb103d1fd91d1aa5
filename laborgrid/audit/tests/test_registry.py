"""Audit actions are declared by each app (``<app>/audit_actions.py``) and need no migration."""

from __future__ import annotations

import pytest
from django.db import models
from django.test import Client

from laborgrid.audit.models import AuditEvent
from laborgrid.audit.registry import action_choices, action_label, register_actions
from laborgrid.audit.services import record
from laborgrid.cases.audit_actions import CaseAction
from laborgrid.testing.personas import client_for


def test_every_app_declares_its_actions_and_the_log_knows_them_all() -> None:
    values = dict(action_choices())
    # one action of the audit app itself, one of a foundation app, one of each flow
    assert values["pii_reveal"] == "查看完整个人号码"
    assert values["login"] == "登录"
    assert values["case_action"] == "案件操作"
    assert values["collection_approved"] == "审核通过采集信息"
    assert values["register_committed"] == "确认导入登记库"


def test_the_column_has_no_choices_so_a_new_action_needs_no_migration() -> None:
    field = AuditEvent._meta.get_field("action")
    assert not field.choices


@pytest.mark.django_db
def test_an_unregistered_action_is_refused() -> None:
    before = AuditEvent.objects.count()
    with pytest.raises(ValueError, match="unregistered audit action"):
        record("no_such_action")
    assert AuditEvent.objects.count() == before


def test_one_value_belongs_to_one_app() -> None:
    class Clash(models.TextChoices):
        LOGIN = "login", "someone else's login"

    with pytest.raises(ValueError, match="already registered"):
        register_actions(Clash)
    assert action_label("login") == "登录"


def test_a_value_nobody_registers_any_more_shows_as_stored() -> None:
    assert action_label("retired_action") == "retired_action"


@pytest.mark.django_db
def test_stored_events_read_with_their_labels_on_the_log_page() -> None:
    record(CaseAction.CASE_ACTION, username="county", detail={"step": "accept"})
    auditor: Client = client_for("auditor")
    page = auditor.get("/audit/", {"action": "case_action"}).content.decode()
    assert "案件操作" in page
    assert ">case_action<" not in page


def test_a_case_steps_detail_reads_as_names_not_codes() -> None:
    from laborgrid.audit.display import detail_items

    lines = detail_items(
        "cases.case", {"action": "escalate", "from": "decision_pending", "to": "decision_pending"}
    )
    assert lines[0].endswith("挂牌督办")
    assert "decision_pending" not in "".join(lines)

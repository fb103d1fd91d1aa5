"""The pure rule engine and ``grade_explain`` (no database for the national rules)."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from laborgrid.ratings import rules as R

NOT_FILED_B = R.Rule(
    "local:wr", "未参加书面审查", "written_review", "==", "not_filed", "B", "本地", local=True
)


def grade(facts: dict, rules: list | None = None) -> R.Outcome:
    return R.evaluate(R.complete(facts), rules if rules is not None else R.NATIONAL_RULES)


def test_clean_record_is_a() -> None:
    out = grade({})
    assert (out.grade, out.hits, out.decisive) == ("A", [], "")


def test_one_or_two_violations_are_b_three_are_c() -> None:
    assert grade({"violations_found": 1}).grade == "B"
    assert grade({"violations_found": 2}).grade == "B"
    out = grade({"violations_found": 3})
    assert out.grade == "C" and out.decisive == "found_three_times"
    assert out.hits == ["found_once", "found_three_times"]


@pytest.mark.parametrize(
    "facts,rule",
    [
        ({"orders_not_complied": 1}, "orders_not_complied"),
        ({"inspection_refusals": 1}, "obstructed_inspection"),
        ({"mass_incidents": 1}, "mass_or_extreme_incident"),
        ({"extreme_incident": True}, "extreme_incident"),
        ({"serious_violation": True, "violations_found": 1}, "serious_violation"),
    ],
)
def test_each_c_situation(facts: dict, rule: str) -> None:
    out = grade(facts)
    assert out.grade == "C" and rule in out.hits


def test_unknown_written_review_does_not_fire_and_is_reported() -> None:
    rules = [*R.NATIONAL_RULES, NOT_FILED_B]
    out = grade({}, rules)  # written_review defaults to None: not provided
    assert out.grade == "A" and out.not_evaluated == ["local:wr"]
    assert grade({"written_review": "not_filed"}, rules).grade == "B"
    assert grade({"written_review": "passed"}, rules).grade == "A"
    # A local B cap never lifts a C.
    assert grade({"written_review": "not_filed", "inspection_refusals": 2}, rules).grade == "C"


def test_rule_validation() -> None:
    with pytest.raises(ValueError, match="unknown fact"):
        R.validate_rule(R.Rule("x", "x", "nope", ">=", 1, "B", ""))
    with pytest.raises(ValueError, match="B or C"):
        R.validate_rule(R.Rule("x", "x", "violations_found", ">=", 1, "A", ""))


def test_snapshot_round_trips_with_a_stable_version() -> None:
    snap = R.snapshot([*R.NATIONAL_RULES, NOT_FILED_B])
    assert snap == R.snapshot([*R.NATIONAL_RULES, NOT_FILED_B])
    assert snap["version"] != R.snapshot(R.NATIONAL_RULES)["version"]
    assert R.rules_of(json.loads(json.dumps(snap))) == [*R.NATIONAL_RULES, NOT_FILED_B]


def test_grade_explain_prints_grade_and_rules(tmp_path: Path) -> None:
    facts = tmp_path / "facts.json"
    facts.write_text(
        json.dumps(
            [
                {
                    "employer": "甲公司",
                    "year": 2026,
                    "facts": {"violations_found": 1, "orders_not_complied": 1},
                },
                {"employer": "乙公司", "year": 2026, "facts": {"written_review": "not_filed"}},
            ],
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    rules = tmp_path / "rules.json"
    rules.write_text(
        json.dumps(R.snapshot([*R.NATIONAL_RULES, NOT_FILED_B]), ensure_ascii=False),
        encoding="utf-8",
    )
    out = StringIO()
    call_command("grade_explain", facts=str(facts), rules=str(rules), stdout=out)
    text = out.getvalue()
    assert "甲公司 2026: 等级 C" in text and "* [C] orders_not_complied" in text
    assert "乙公司 2026: 等级 B" in text and "local:wr" in text
    out = StringIO()
    call_command("grade_explain", facts=str(facts), national_only=True, json=True, stdout=out)
    data = json.loads(out.getvalue())
    assert [d["grade"] for d in data] == ["C", "A"]


def test_grade_explain_refuses_unknown_facts(tmp_path: Path) -> None:
    facts = tmp_path / "facts.json"
    facts.write_text(json.dumps({"facts": {"violations": 3}}), encoding="utf-8")
    with pytest.raises(CommandError, match="unknown facts: violations"):
        call_command("grade_explain", facts=str(facts), national_only=True, stdout=StringIO())

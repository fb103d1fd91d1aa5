"""``manage.py grade_explain --facts FILE.json``: the grade and the rules hit for one year's facts
given as JSON (format: docs/ratings.md), with the national rules and the configured local rules
(``--national-only``: the national ones alone; ``--rules FILE.json``: a rule set snapshot, as
stored with a run). Reads nothing else from the database, writes nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from laborgrid.ratings import rules as R


class Command(BaseCommand):
    help = "Explain the integrity grade for a year's facts given as JSON"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--facts", required=True, help="JSON file with the facts (docs/ratings.md)"
        )
        parser.add_argument(
            "--rules", help="JSON rule set snapshot (default: national + local rules)"
        )
        parser.add_argument("--national-only", action="store_true")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            data = json.loads(Path(opts["facts"]).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"cannot read {opts['facts']}: {exc}") from exc
        items = data if isinstance(data, list) else [data]
        if opts["rules"]:
            try:
                rule_list = R.rules_of(json.loads(Path(opts["rules"]).read_text(encoding="utf-8")))
            except (OSError, ValueError, KeyError, TypeError) as exc:
                raise CommandError(f"bad rule set {opts['rules']}: {exc}") from exc
        elif opts["national_only"]:
            rule_list = list(R.NATIONAL_RULES)
        else:
            from laborgrid.ratings.grading import current_rules

            rule_list = current_rules()
        results = []
        for item in items:
            if not isinstance(item, dict):
                raise CommandError('each entry must be an object with a "facts" object')
            facts = item.get("facts", {})
            bad = sorted(set(facts) - set(R.FACTS))
            if bad:
                raise CommandError(f"unknown facts: {', '.join(bad)} (known: {', '.join(R.FACTS)})")
            out = R.evaluate(R.complete(facts), rule_list)
            results.append((item, out))
        if opts["json"]:
            self.stdout.write(
                json.dumps(
                    [
                        {
                            "employer": i.get("employer", ""),
                            "year": i.get("year"),
                            "grade": o.grade,
                            "decisive": o.decisive,
                            "hits": o.hits,
                            "not_evaluated": o.not_evaluated,
                        }
                        for i, o in results
                    ],
                    ensure_ascii=False,
                    indent=2,
                )
            )
            return
        labels = {r.key: r for r in rule_list}
        for item, out in results:
            self.stdout.write(
                f"{item.get('employer', '-')} {item.get('year', '')}: 等级 {out.grade}"
            )
            for key in out.hits:
                r = labels[key]
                mark = "*" if key == out.decisive else " "
                self.stdout.write(f"  {mark} [{r.cap}] {key}: {r.label}（{r.basis}）")
            if not out.hits:
                self.stdout.write("    没有规则命中：A级")
            for key in out.not_evaluated:
                self.stdout.write(f"    未评价 {key}: 事实“{labels[key].fact}”未知")

"""Synthetic employers (``generate_employers``) and the employer part of the demo.

What a person relying on generated data sees: valid, unique codes; rows in the right grids with
addresses there; snapshots whose flags are exactly what the services would compute; a character
index that finds the names (SQLite's FTS table is fed by the bulk writer, not by triggers);
rosters whose sealed numbers open to valid ID numbers; the "建立档案" history line; and a demo
that stays the same when seeded again.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import Count, Max
from django.forms.models import model_to_dict
from django.utils import timezone
from shapely.geometry import Point, shape

from laborgrid.accounts.models import User
from laborgrid.core import pii
from laborgrid.core.search import search_q
from laborgrid.employers import demo, services
from laborgrid.employers.generate import (
    HISTORY_REASON,
    USCC_PREFIX,
    Summary,
    generate_employers,
    ric,
    ric_check,
    uscc,
)
from laborgrid.employers.models import (
    Employer,
    EmployerSource,
    LabourSnapshot,
    MinimumWage,
    Worker,
)
from laborgrid.employers.timeline import timeline
from laborgrid.grids.models import Grid
from laborgrid.lib import identifiers as ids
from laborgrid.testing.personas import MAOCHANG, MAOCHANG_VILLAGE

pytestmark = pytest.mark.django_db

N = 200
K = 3


def _top_id() -> int:
    return Employer.objects.aggregate(m=Max("id"))["m"] or 0


def _generate(**kwargs: Any) -> tuple[Summary, list[Employer]]:
    before = _top_id()
    options = {"root": Grid.objects.get(code=MAOCHANG), "seed": 7, "roster_share": 0.2, **kwargs}
    summary = generate_employers(N, **options)
    made = list(Employer.objects.filter(id__gt=before).order_by("id"))
    return summary, made


def _snapshot_values(snap: LabourSnapshot) -> dict[str, Any]:
    values = model_to_dict(snap)
    values.update({f.attname: getattr(snap, f.attname) for f in snap._meta.concrete_fields})
    return values


# --- identifiers -------------------------------------------------------------------------------


def test_ric_check_matches_the_identifiers_module() -> None:
    rng = random.Random(1)
    for _ in range(500):
        birth = date(1950, 1, 1) + timedelta(days=rng.randrange(20000))
        number = ric("520521", birth, rng.randrange(1000))
        assert ids.validate_ric(number) == number
        assert ric_check(number[:17]) == number[17]


def test_uscc_is_valid_for_every_type_prefix() -> None:
    for prefix in USCC_PREFIX.values():
        code = uscc(prefix, "520521", "12345678")
        assert ids.validate_uscc(code) == code
        assert code.startswith(prefix + "520521")


# --- a generated township ----------------------------------------------------------------------


def test_generate_into_a_township() -> None:
    township = Grid.objects.get(code=MAOCHANG)
    summary, made = _generate()
    assert summary.employers == N == len(made)
    leaves = {g.pk: g for g in Grid.objects.filter(path__under=township.path)}
    parents = {g.parent_id for g in leaves.values()}
    for e in made:
        # Spread over the township's leaf grids (villages, communities, parks), nowhere else.
        assert e.grid_path.startswith(township.path)
        assert e.grid_id in leaves and leaves[e.grid_id].code not in parents
        assert e.grid_path == leaves[e.grid_id].path
        # Valid codes, the type's prefix, the organisation code embedded.
        assert e.uscc is not None and ids.validate_uscc(e.uscc) == e.uscc
        assert e.uscc.startswith(USCC_PREFIX[e.employer_type] + "520521")
        assert e.org_code == e.uscc[8:17]
        # Chinese name and address in the right township and village.
        assert e.name and e.name_key
        assert e.address.startswith("贵州省毕节市大方县猫场镇" + leaves[e.grid_id].short_name)
        assert e.legal_rep and 2 <= len(e.legal_rep) <= 3
        # The contact phone is sealed and shown masked.
        phone = pii.unseal(e.contact_phone_enc, context=services.PHONE_CONTEXT)
        assert ids.validate_mobile(phone) == phone
        assert e.contact_phone_masked == ids.mask_phone(phone)
        assert e.established_on is not None and e.established_on <= timezone.localdate()
        # Inside its grid's outline.
        grid = leaves[e.grid_id]
        assert e.lat is not None and e.lng is not None
        if grid.boundary:
            assert shape(grid.boundary).buffer(1e-9).contains(Point(e.lng, e.lat))
        assert e.sources.exists()
    codes = [e.uscc for e in made]
    assert len(set(codes)) == N
    assert (
        not Employer.objects.values("uscc")
        .annotate(n=Count("id"))
        .filter(n__gt=1, uscc__isnull=False)
        .exists()
    )
    assert Counter(e.employer_type for e in made)["individual"] > N * 0.3
    # 9x codes come from the market regulator's register, 5x from civil affairs.
    for s in EmployerSource.objects.filter(employer__in=made).select_related("employer"):
        if s.source != "field":
            expected = {"9": {"scjg"}, "5": {"mz", "jy"}, "1": {"zj"}}[(s.employer.uscc or "?")[0]]
            assert s.source in expected


def test_snapshots_and_current_facts_follow_the_service_rules() -> None:
    _summary, made = _generate()
    snapshots = LabourSnapshot.objects.filter(employer__in=made)
    assert 0.85 * K * N <= snapshots.count() <= 1.15 * K * N
    never = 0
    for e in made:
        latest = (
            LabourSnapshot.objects.valid()
            .filter(employer=e)
            .order_by("-collected_on", "-id")
            .first()
        )
        if latest is None:
            never += 1
            assert e.current_snapshot_id is None and e.last_collected_on is None
            assert not (
                e.flag_arrears or e.flag_no_contracts or e.flag_below_min_wage or e.flag_uninsured
            )
            continue
        assert e.current_snapshot_id == latest.pk
        assert e.employees == latest.employees
        assert e.last_collected_on == latest.collected_on
        flags = services.snapshot_flags(_snapshot_values(latest))
        assert {k: getattr(e, k) for k in flags} == flags
        # The minimum wage stored is the one the service finds for the place and day.
        expected = services.minimum_wage_for(e.grid_path, latest.collected_on)
        assert latest.minimum_wage == (expected.monthly if expected else None)
        assert latest.contracts_signed <= latest.employees
        assert latest.collected_on <= timezone.localdate()
        assert latest.collected_on >= timezone.localdate() - timedelta(days=731)
    assert never < N * 0.2
    # Refreshing from the snapshots (what the services do after every write) changes nothing.
    for e in made[:30]:
        before = {
            k: getattr(e, k)
            for k in (
                "current_snapshot_id",
                "employees",
                "last_collected_on",
                *services.snapshot_flags({"employees": 0, "contracts_signed": 0}),
            )
        }
        services.refresh_current(e)
        e.refresh_from_db()
        assert {k: getattr(e, k) for k in before} == before
    # A realistic mix of problems somewhere in the batch.
    assert any(e.flag_arrears for e in made) or any(e.flag_uninsured for e in made)
    assert any(e.flag_uninsured for e in made)


def test_generated_names_are_found_by_a_two_character_fragment() -> None:
    _summary, made = _generate()
    for e in made[:20]:
        core = e.name.removeprefix("大方县").removeprefix("贵州").removeprefix("猫场镇")
        fragment = core[:2]
        found = Employer.objects.filter(search_q(fragment), pk=e.pk)
        assert found.exists(), (e.name, fragment)
    # The legal representative and the address are indexed too.
    e = made[0]
    assert Employer.objects.filter(search_q(e.legal_rep), pk=e.pk).exists()


def test_history_rows_show_the_record_created() -> None:
    _summary, made = _generate()
    history = Employer.history.filter(id__in=[e.pk for e in made])
    assert history.count() == N
    for rec in history:
        assert rec.history_type == "+"
        assert rec.history_change_reason == HISTORY_REASON
        assert rec.history_user_id is None
    e = made[0]
    rec = e.history.get()
    assert rec.history_date == e.created_at
    assert rec.name == e.name and rec.uscc == e.uscc
    titles = [entry.title for entry in timeline(e)]
    assert "建立档案" in titles
    workers = Worker.objects.filter(employer__in=made)
    assert (
        Worker.history.filter(id__in=workers.values("id"), history_type="+").count()
        == workers.count()
    )


def test_rosters_open_to_valid_id_numbers() -> None:
    _summary, made = _generate()
    workers = list(Worker.objects.filter(employer__in=made).select_related("employer"))
    assert workers, "20 % of 200 employers should have a roster"
    for w in workers:
        number = pii.unseal(w.id_enc, context=services.WORKER_ID_CONTEXT)
        assert ids.validate_ric(number) == number
        assert w.id_index == services.worker_index("ric", number)
        assert w.id_masked == ids.mask_ric(number)
        assert w.birth_date == ids.ric_birth_date(number)
        assert w.gender == ids.ric_gender(number)
        # At least 16 when they started (劳动法 Art. 15), and the roster is self-consistent.
        assert (w.started_on - w.birth_date).days >= 16 * 365
        assert w.started_on <= timezone.localdate()
        if w.contract_term == "fixed":
            assert w.contract_end is not None and w.contract_end >= w.started_on
        if w.phone_enc:
            phone = pii.unseal(w.phone_enc, context=services.WORKER_PHONE_CONTEXT)
            assert w.phone_masked == ids.mask_phone(phone)
        services.validate_worker(w)
    # Lookup by ID number across employers works for generated workers too.
    w = workers[0]
    number = pii.unseal(w.id_enc, context=services.WORKER_ID_CONTEXT)
    county = User.objects.get(username="county")
    assert w in [x for x in services.employers_of_person(county, "ric", number)]


def test_running_again_adds_more_without_collisions() -> None:
    _first, made = _generate()
    _second, more = _generate()  # the same seed: names repeat, codes and ids must not
    assert len(more) == N
    assert not {e.pk for e in made} & {e.pk for e in more}
    codes = [e.uscc for e in made + more]
    assert len(set(codes)) == 2 * N
    assert len({e.org_code for e in made + more}) == 2 * N
    # Ids keep coming from the sequences after a run (PostgreSQL's were moved past ours).
    created = services.create_employer(
        actor=User.objects.get(username="county"),
        data={
            "name": "生成之后手工登记的单位有限公司",
            "employer_type": "enterprise",
            "industry": "C",
        },
        grid=Grid.objects.get(code=MAOCHANG_VILLAGE),
        confirm_not_duplicate=True,
    )
    assert created.pk > max(e.pk for e in more)
    snap = services.record_snapshot(
        actor=created.created_by, employer=created, data={"employees": 3, "contracts_signed": 3}
    )
    assert snap.pk > LabourSnapshot.objects.filter(employer__in=more).aggregate(m=Max("id"))["m"]


def test_same_seed_same_rows_sequential_and_parallel() -> None:
    def names(**kwargs: Any) -> list[tuple[str, str, str]]:
        with transaction.atomic():
            _summary, made = _generate(batch_size=50, **kwargs)
            rows = [(e.name, e.employer_type, e.address) for e in made]
            transaction.set_rollback(True)
        return rows

    sequential = names(parallel=False)
    assert names(parallel=False) == sequential
    # A forked child generates while this process writes: the same rows.
    assert names(parallel=True) == sequential
    assert names(seed=8, parallel=False) != sequential


# --- the command -------------------------------------------------------------------------------


def test_command_generates_under_the_grid_and_reports_in_chinese() -> None:
    before = _top_id()
    out = StringIO()
    call_command("generate_employers", 30, grid=MAOCHANG, seed=3, stdout=out)
    made = Employer.objects.filter(id__gt=before)
    assert made.count() == 30
    assert all(e.grid_path.startswith(f"520521/{MAOCHANG}/") for e in made)
    text = out.getvalue()
    assert "已生成 30 家用人单位" in text and "行" in text


@pytest.mark.parametrize(
    ("args", "options", "message"),
    [
        ((10,), {"grid": "999999"}, "网格编码 999999 不存在"),
        ((0,), {}, "数量必须是正整数"),
        ((10,), {"roster_share": 2.0}, "比例"),
    ],
)
def test_command_refuses_bad_input(args: tuple[int], options: dict[str, Any], message: str) -> None:
    before = Employer.objects.count()
    with pytest.raises(CommandError, match=message):
        call_command("generate_employers", *args, stdout=StringIO(), **options)
    assert Employer.objects.count() == before


# --- the demo ----------------------------------------------------------------------------------


def test_demo_minimum_wages_are_guizhou_tiers() -> None:
    county = Grid.objects.get(code="520521")
    rows = MinimumWage.objects.filter(area=county).order_by("effective_from")
    assert [(str(r.monthly), str(r.hourly), r.effective_from) for r in rows] == [
        ("1570.00", "16.50", date(2019, 12, 1)),
        ("1660.00", "17.20", date(2023, 2, 1)),
    ]
    assert all("演示数据" in r.document for r in rows)

    def monthly(path: str, on: date) -> Any:
        row = services.minimum_wage_for(path, on)
        return row.monthly if row else None

    village = Grid.objects.get(code=MAOCHANG_VILLAGE)
    assert monthly(village.path, date(2024, 1, 1)) == 1660
    assert monthly(village.path, date(2021, 1, 1)) == 1570
    assert monthly(village.path, date(2019, 1, 1)) is None
    # A community of a county-seat subdistrict (街道): 二类.
    seat = Grid.objects.get(code="520521001001")
    assert monthly(seat.path, date(2024, 1, 1)) == 1760


def test_demo_named_employers_have_their_story() -> None:
    named = {
        e.name: e
        for e in Employer.objects.filter(uscc__in=[demo.named_uscc(n) for n in demo.NAMED])
    }
    assert len(named) == len(demo.NAMED)
    builder = named["大方县猫场镇兴旺建筑劳务有限公司"]
    assert builder.flag_arrears and builder.grid.code == MAOCHANG_VILLAGE
    assert builder.snapshots.count() == 3 and builder.workers.count() == 4
    assert named["大方县猫场镇老街张记餐馆"].flag_below_min_wage
    coop = named["大方县猫场镇箐口村天麻种植农民专业合作社"]
    assert coop.flag_uninsured and coop.is_stale()
    assert named["大方县马场镇鑫达煤炭洗选有限公司"].grid_path.startswith("520521/520521103/")
    # Made through the services: the history names the county inspector.
    assert builder.history.earliest("history_date").history_user.username == "county"


def test_seed_employers_is_idempotent() -> None:
    counts = (
        Employer.objects.count(),
        LabourSnapshot.objects.count(),
        Worker.objects.count(),
        MinimumWage.objects.count(),
    )
    assert counts[0] >= demo.GENERATED + len(demo.NAMED)
    demo.seed_employers(log=lambda _msg: None)
    assert (
        Employer.objects.count(),
        LabourSnapshot.objects.count(),
        Worker.objects.count(),
        MinimumWage.objects.count(),
    ) == counts


def test_sqlite_search_index_holds_every_generated_row() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the FTS5 table exists on SQLite only")
    _summary, made = _generate()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM employers_employer_fts WHERE rowid BETWEEN %s AND %s",
            [made[0].pk, made[-1].pk],
        )
        (indexed,) = cursor.fetchone()
    assert indexed == N

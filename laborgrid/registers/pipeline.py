"""Running an import batch: read, normalise, validate, match, and (when committing) write.

One code path serves the dry run and the commit, so the preview shows exactly what the commit
will do. Rows go in chunks of :data:`CHUNK` rows; a commit writes each chunk in one transaction
together with the batch's counts and ``checkpoint`` (the last row applied), so a killed worker
or command leaves every chunk either applied whole or not at all, and running the commit again
resumes after the checkpoint (issue 4 §9).

Matching (issue 4 §5), per chunk with one indexed ``IN`` query per key, never a query per row:
the USCC, then the organisation code (positions 9–17 of a USCC, or the code itself), then the
legacy registration number — an exact match, updated per the field policy; then the normalised
name in the county: with the same normalised address it is exact, otherwise probable and goes
to the review queue; then a similar name (the same name core: the county prefix and the legal or
trade suffix aside) at a similar address: probable; records with a different code of the same
kind never match by name.
No match: a new employer, status from the register, never visited.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from difflib import SequenceMatcher
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laborgrid.core import pii
from laborgrid.core.search import normalise
from laborgrid.core.text import clauses
from laborgrid.employers import bulk, indexing
from laborgrid.employers.bulk import EmployerWrites, Table, in_list
from laborgrid.employers.choices import RegisterSource
from laborgrid.employers.models import Employer, EmployerSource
from laborgrid.employers.names import name_core
from laborgrid.employers.services import PHONE_CONTEXT
from laborgrid.grids.choices import LocateMethod
from laborgrid.grids.locate import locator
from laborgrid.grids.models import Grid
from laborgrid.lib import identifiers as ids
from laborgrid.registers.models import (
    STALL_AFTER,
    BatchStatus,
    FieldPolicy,
    ImportBatch,
    ImportRow,
    MatchMethod,
    RowOutcome,
)
from laborgrid.registers.presets import PRESETS, check_mapping, match_headers
from laborgrid.registers.reading import (
    ReadAhead,
    ReadAheadProcess,
    RegisterFileError,
    open_register,
    read_ahead,
)
from laborgrid.registers.rows import RowNormaliser, RowResult

if TYPE_CHECKING:
    from laborgrid.accounts.models import User
    from laborgrid.core.models import Job

CHUNK = 20_000

#: The employer fields an import may set, and what happens to an existing value by default.
#: ``fill`` on ``status`` means: the register's status applies to employers never collected in
#: the field; a field visit's finding is not overridden by a register (the coverage page shows
#: the disagreement instead).
DEFAULT_POLICY: dict[str, str] = {
    "name": FieldPolicy.OVERWRITE,
    "uscc": FieldPolicy.FILL,
    "org_code": FieldPolicy.FILL,
    "reg_number": FieldPolicy.FILL,
    "legal_rep": FieldPolicy.OVERWRITE,
    "employer_type": FieldPolicy.OVERWRITE,
    "industry": FieldPolicy.FILL,
    "established_on": FieldPolicy.OVERWRITE,
    "registered_capital": FieldPolicy.OVERWRITE,
    "business_scope": FieldPolicy.OVERWRITE,
    "status": FieldPolicy.FILL,
    "address": FieldPolicy.FILL,
    "contact_person": FieldPolicy.FILL,
    "contact_phone": FieldPolicy.FILL,
    "lat": FieldPolicy.FILL,
    "lng": FieldPolicy.FILL,
}
#: Fields whose value is stored as is in the employer's column of the same name.
PLAIN_FIELDS = tuple(f for f in DEFAULT_POLICY if f != "contact_phone")
#: What matching and the field policy read of an existing employer.
CURRENT = (
    "pk",
    "merged_into_id",
    "grid_path",
    "name_key",
    "name_core",
    "last_collected_on",
    "contact_phone_enc",
    "contact_phone_masked",
    *PLAIN_FIELDS,
)


EMPLOYER_TABLE = f'"{Employer._meta.db_table}"'
CURRENT_SQL = ", ".join(
    f'"{cast(models.Field, Employer._meta.get_field("id" if f == "pk" else f)).column}"'
    for f in CURRENT
)
#: Attribute names of :data:`CURRENT`.
CURRENT_ATTNAMES = tuple("id" if f == "pk" else f for f in CURRENT)
#: Positions in :data:`CURRENT` that SQLite returns as text or a number, not the Python type.
_SQLITE_DATES = tuple(
    i for i, f in enumerate(CURRENT) if f in ("last_collected_on", "established_on")
)
_SQLITE_DECIMALS = tuple(i for i, f in enumerate(CURRENT) if f == "registered_capital")


def _from_sqlite(row: tuple[Any, ...]) -> list[Any]:
    out = list(row)
    for i in _SQLITE_DATES:
        if isinstance(out[i], str):
            out[i] = date.fromisoformat(out[i])
    for i in _SQLITE_DECIMALS:
        if out[i] is not None and not isinstance(out[i], Decimal):
            out[i] = Decimal(str(out[i]))
    return out


def _as_date(value: date | str) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


class Created(NamedTuple):
    """An employer this batch created (its id)."""

    pk: int


class Current(NamedTuple):
    """An existing employer as matching sees it (one row of :data:`CURRENT`)."""

    pk: int
    merged_into_id: int | None
    grid_path: str
    name_key: str
    name_core: str
    last_collected_on: date | None
    contact_phone_enc: str
    contact_phone_masked: str
    name: str
    uscc: str | None
    org_code: str
    reg_number: str
    legal_rep: str
    employer_type: str
    industry: str
    established_on: date | None
    registered_capital: Decimal | None
    business_scope: str
    status: str
    address: str
    contact_person: str
    lat: float | None
    lng: float | None


class BatchError(ValueError):
    """The batch cannot run (unreadable file, unusable mapping, wrong state): a message for people."""


@dataclass
class Counts:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    review: int = 0
    duplicates: int = 0

    def add(self, outcome: str) -> None:
        attr = "duplicates" if outcome == RowOutcome.DUPLICATE else outcome
        setattr(self, attr, getattr(self, attr) + 1)

    def as_dict(self) -> dict[str, int]:
        return {k: v for k, v in self.__dict__.items() if k not in ("seconds", "reader_peak_mb")}

    #: Seconds spent per phase of the run (``read``, ``match``, ``create``, ``update``,
    #: ``sources``, ``records``, ``commit``): printed by ``import_registry --json`` and the
    #: benchmark, never stored.
    seconds: dict[str, float] = field(default_factory=dict)
    #: The peak memory (MiB) of the process that read the file (shared pages included), if
    #: one did (:class:`~laborgrid.registers.reading.ReadAheadProcess`); printed, not stored.
    reader_peak_mb: int = 0


@dataclass(slots=True)
class Planned:
    """What happens to one row."""

    number: int
    result: RowResult
    outcome: str = ""
    employer: Employer | Current | Created | None = None
    method: str = ""
    changes: dict[str, list[Any]] = field(default_factory=dict)
    candidates: list[dict[str, Any]] = field(default_factory=list)
    duplicate_of: int | None = None
    #: Of the row's mapped cells as read, the batch's policy and mapping, the register and the
    #: county (:meth:`Runner._digest`); "" for a row that is never taken as it stands.
    fingerprint: str = ""
    #: The row is what this register listed for ``employer`` last time, cell for cell: read,
    #: not normalised, matched or compared (a re-import of an unchanged file is a read).
    same: bool = False
    #: What the batch page shows of a row taken as it stands: the employer's name and the
    #: listing's code (its cells were not read into fields).
    label: tuple[str, str] = ("", "")
    #: The employer this row would create (:meth:`Runner._new_employer`), worked out while the
    #: file is read (in the reading process) for every valid row; ``None``: work it out when
    #: it is needed.
    new: dict[str, Any] | None = None
    #: The normalised name and address and the name's core (:func:`name_keys`), worked out
    #: while the file is read; ``None``: work them out when needed.
    keys: tuple[str, str, str] | None = None


def file_digest(path: str) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def policy_for(batch: ImportBatch) -> dict[str, str]:
    policy = dict(DEFAULT_POLICY)
    for name, value in (batch.policy or {}).items():
        if name in policy and value in FieldPolicy.values:
            policy[name] = value
    return policy


def _json(value: Any) -> Any:
    if isinstance(value, Decimal):
        # fixed-point: str(Decimal("200").normalize()) is "2E+2", which the preview showed
        return format(value.normalize(), "f")
    if isinstance(value, date):
        return value.isoformat()
    return value


def from_json(name: str, value: Any) -> Any:
    """An employer field's value back from its JSON form (:func:`_json`) in a batch's records."""
    if value is None:
        return None
    return cast(models.Field, Employer._meta.get_field(name)).to_python(value)


def name_keys(clean: Mapping[str, Any]) -> tuple[str, str, str]:
    """A row's normalised name and address, and the name's core (:func:`name_core`): what
    matching by name compares."""
    name_key = normalise(clean.get("name", ""))
    return name_key, normalise(clean.get("address", "")), name_core(name_key)


def _keys(p: Planned) -> tuple[str, str, str]:
    if p.keys is None:
        p.keys = name_keys(p.result.clean)
    return p.keys


def _row_key(clean: Mapping[str, Any]) -> str:
    """What makes two rows of one file the same employer."""
    for name in ("uscc", "org_code", "reg_number"):
        if clean.get(name):
            return f"{name}:{clean[name]}"
    return f"name:{normalise(clean.get('name', ''))}|{normalise(clean.get('address', ''))}"


class Runner:
    """Runs one batch (dry run or commit); build it, then call :meth:`run`."""

    def __init__(
        self,
        batch: ImportBatch,
        *,
        commit: bool,
        actor: User,
        progress: Callable[[int, int], None] | None = None,
        today: date | None = None,
        chunk: int | None = None,
        deferred_search: bool = True,
    ) -> None:
        self.chunk = chunk or CHUNK
        self.batch = batch
        self.commit = commit
        self.actor = actor
        self.progress = progress or (lambda done, total: None)
        self.today = today or timezone.localdate()
        self.policy = policy_for(batch)
        self.county: Grid = batch.grid
        self.counts = Counts()
        self.seen: dict[str, int] = {}
        self.locate = locator(self.county, copy_grid=False)
        #: Where an address was placed in this run (:meth:`_new_employer`).
        self.placed: dict[str, Any] = {}
        #: Employer rows, their derived columns and history: written by the registry's one
        #: write path (``employers.bulk``), set-based. The character index of what a run
        #: writes is deferred to the indexer (``employers.indexing``); a person's decision on
        #: one review row (``deferred_search=False``) is indexed at once, as any single edit.
        self.employers = EmployerWrites(
            actor=actor,
            reason=_("登记库导入（批次 %(id)s）") % {"id": batch.pk},
            deferred_search=deferred_search,
        )
        #: What a row's fingerprint covers besides its cells: the register, the county, the
        #: batch's field policy (the same row under another policy may change other fields)
        #: and column mapping (the same cells mean other fields under another).
        self.fingerprint_base = b""
        #: The fingerprints this register's listings of the county's employers hold, read once
        #: for the run (an in-memory index: no query per chunk for rows that did not change):
        #: fingerprint (as an int) → employer id.
        self.known: dict[int, int] = {}
        #: Employers whose listing was last seen today (nothing to write when seen again).
        self.seen_today: set[int] = set()
        #: Employers already given by a row of this file (a later row giving one is a duplicate
        #: of that row): employer id → its row number.
        self.claimed: dict[int, int] = {}
        #: The register's listings of the chunk's matched employers: employer id →
        #: ``(listing id, reference, registered status, last seen, fingerprint)``.
        self.listings: dict[int, tuple[int, str, str, date, str]] = {}
        self.writer = self.employers.writer
        self.source_table = Table(EmployerSource, skip=("id",))
        self.record_table = Table(ImportRow, skip=("id",))
        self.total = 0  # the file's estimated data rows (a progress bar's 100 %)

    @contextmanager
    def _timed(self, phase: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            spent = self.counts.seconds
            spent[phase] = spent.get(phase, 0.0) + time.perf_counter() - started

    # --- reading ------------------------------------------------------------------------------

    def _open(self) -> Any:
        if not self.batch.file:
            raise BatchError(str(FILE_GONE))
        path = self.batch.file.path
        preset = PRESETS[self.batch.source]
        try:
            register = open_register(path, preset=preset)
        except RegisterFileError as exc:
            raise BatchError(exc.message) from exc
        if not self.batch.mapping:
            match = match_headers(register.headers, preset)
            if match.missing:
                register.close()
                raise BatchError(clauses(match.missing))
            self.batch.mapping = match.mapping
            self.batch.unknown_columns = match.unknown
            self.hints = match.hints
        else:
            problems = check_mapping(register.headers, self.batch.mapping)
            if problems:
                register.close()
                raise BatchError(clauses(problems))
            self.batch.unknown_columns = [h for h, f in self.batch.mapping.items() if f is None]
            self.hints = match_headers(register.headers, preset).hints
        self.batch.headers = list(register.headers)
        self.batch.file_format = register.format
        self.batch.encoding = register.encoding or ""
        self.batch.header_row = register.header_row
        return register

    def _chunks(self, register: Any) -> Iterator[list[Planned]]:
        normaliser = RowNormaliser(
            self.batch.source,
            register.headers,
            self.batch.mapping,
            hints=self.hints,
            today=self.today,
        )
        chunk: list[Planned] = []
        base, known, digest = self.fingerprint_base, self.known, hashlib.blake2b
        for number, cells in register.rows():
            text = normaliser.mapped_text(cells)
            if text is None:
                p = Planned(number, normaliser.normalise_cells(cells))
                self._prepare(p)
                chunk.append(p)
            else:
                found = digest(base + text.encode(), digest_size=16).digest()
                employer_id = known.get(int.from_bytes(found))
                if employer_id is None:
                    p = Planned(number, normaliser.normalise_cells(cells), fingerprint=found.hex())
                    self._prepare(p)
                else:
                    p = Planned(
                        number,
                        SAME,
                        outcome=RowOutcome.UNCHANGED,
                        employer=Created(employer_id),
                        fingerprint=found.hex(),
                        same=True,
                    )
                chunk.append(p)
            if len(chunk) >= self.chunk:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    def _prepare(self, p: Planned) -> None:
        """What a valid row needs worked out whatever the database holds, while the file is
        read: its name keys, and the employer it would create, placed and prepared for the
        driver (in the reading process, on the other processor)."""
        if p.result.ok:
            p.keys = name_keys(p.result.clean)
            p.new = self._new_values(p.result.clean)

    def _new_values(self, clean: Mapping[str, Any]) -> dict[str, Any]:
        return self.employers.prepare_new(self._new_employer(clean))

    # --- matching -----------------------------------------------------------------------------

    def _select(self, column: str, values: Iterable[Any], extra: str = "") -> list[Current]:
        """The :data:`CURRENT` facts of the employers whose ``column`` is one of ``values``:
        raw SQL and plain tuples — the ORM's per-value preparation of an ``IN`` list of
        thousands and its converters cost ten times the indexed lookups themselves."""
        values = list(values)
        if not values:
            return []
        among, listed = in_list(values)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {CURRENT_SQL} FROM {EMPLOYER_TABLE} "  # noqa: S608 - names from _meta
                f'WHERE "{column}" {among}{extra}',
                [listed],
            )
            rows = cursor.fetchall()
        if connection.vendor != "sqlite":
            return [Current(*r) for r in rows]
        return [Current(*_from_sqlite(r)) for r in rows]

    def _current(self, column: str, values: Iterable[Any]) -> list[tuple[Current, Current]]:
        """``(record, record or its merge target)`` for the employers whose ``column`` is one
        of ``values``."""
        found = self._select(column, values)
        merged = {e.merged_into_id for e in found if e.merged_into_id}
        targets = {e.pk: e for e in self._select("id", merged)}
        return [(e, targets.get(e.merged_into_id, e) if e.merged_into_id else e) for e in found]

    def _by_codes(self, rows: list[Planned]) -> dict[str, dict[str, list[Current]]]:
        """Employers sharing a code with a row, anywhere (merged records count as their target):
        one indexed ``IN`` query per kind of code."""
        found: dict[str, dict[str, list[Current]]] = {k: {} for k in CODES}
        pending = rows
        for k in CODES:
            values = {p.result.clean[k] for p in pending if p.result.clean.get(k)}
            for record, e in self._current(k, values):
                found[k].setdefault(getattr(record, k), []).append(e)
            # A row a code of this kind found is decided by it (:meth:`_match_code`): the next
            # kind is looked up only for the others.
            pending = [p for p in pending if not found[k].get(p.result.clean.get(k) or "")]
        return found

    def _by_names(
        self, rows: list[Planned]
    ) -> tuple[dict[str, list[Current]], dict[str, list[Current]]]:
        """Current employers of the county with a row's normalised name, and with its name core
        (the name without the county prefix and the legal or trade suffix): one indexed lookup
        by core, since the same name has the same core (by name only where the core is too
        short to look up)."""
        named = [_keys(p) for p in rows]
        keys = {k[0] for k in named} - {""}
        long_cores = {k[2] for k in named if k[0] and len(k[2]) >= 2}
        found = self._select("name_core", long_cores, ' AND "merged_into_id" IS NULL')
        short = {k[0] for k in named if k[0] and len(k[2]) < 2}
        found += self._select("name_key", short, ' AND "merged_into_id" IS NULL')
        by_name: dict[str, list[Current]] = {}
        by_core: dict[str, list[Current]] = {}
        seen: set[int] = set()
        # The county is tested here, not in SQL: with it SQLite reads the county's path range
        # (a million rows) instead of looking the names up (5 s per chunk).
        for e in found:
            if e.pk in seen or not e.grid_path.startswith(self.county.path):
                continue
            seen.add(e.pk)
            if e.name_key in keys:
                by_name.setdefault(e.name_key, []).append(e)
            if e.name_core in long_cores:
                by_core.setdefault(e.name_core, []).append(e)
        return by_name, by_core

    def _match_similar(self, p: Planned, found: dict[str, list[Current]]) -> None:
        """A similar name (the same core) at a similar address, or where either has none: a
        probable match for a person to confirm (issue 4 §5), never an automatic one."""
        clean = p.result.clean
        _name, address_key, core = _keys(p)
        candidates = []
        for e in found.get(core, []):
            if any(clean.get(k) and getattr(e, k) and getattr(e, k) != clean[k] for k in CODES):
                continue
            if address_key and e.address:
                ratio = SequenceMatcher(None, address_key, normalise(e.address)).ratio()
                if ratio < SIMILAR_ADDRESS:
                    continue
            candidates.append(e)
        if candidates:
            p.outcome = RowOutcome.REVIEW
            p.method = MatchMethod.SIMILAR
            p.candidates = [{"id": e.pk, "method": MatchMethod.SIMILAR} for e in candidates[:10]]

    def _match_code(self, p: Planned, found: dict[str, dict[str, list[Current]]]) -> bool:
        """Match ``p`` by its codes; False when no code decides it (try the name)."""
        clean = p.result.clean
        for k, method in (
            ("uscc", MatchMethod.USCC),
            ("org_code", MatchMethod.ORG_CODE),
            ("reg_number", MatchMethod.REG_NUMBER),
        ):
            value = clean.get(k)
            hits = {e.pk: e for e in found[k].get(value, [])} if value else {}
            if len(hits) == 1:
                p.employer, p.method = next(iter(hits.values())), method
                return True
            if len(hits) > 1:
                p.outcome = RowOutcome.REVIEW
                p.method = method
                p.candidates = [{"id": e.pk, "method": method} for e in hits.values()]
                return True
        return False

    def _match_name(self, p: Planned, found: dict[str, list[Current]]) -> None:
        clean = p.result.clean
        name_key, address_key, _core = _keys(p)
        by_name = []
        for e in found.get(name_key, []):
            # A record with another code of the same kind is another employer.
            if any(clean.get(k) and getattr(e, k) and getattr(e, k) != clean[k] for k in CODES):
                continue
            by_name.append(e)
        if not by_name:
            return
        same_place = [e for e in by_name if address_key and normalise(e.address) == address_key]
        if len(same_place) == 1:
            p.employer, p.method = same_place[0], MatchMethod.NAME_ADDRESS
            return
        p.outcome = RowOutcome.REVIEW
        p.method = MatchMethod.NAME
        p.candidates = [{"id": e.pk, "method": MatchMethod.NAME} for e in by_name[:10]]

    # --- changes ------------------------------------------------------------------------------

    def _changes(
        self, employer: Employer | Current, clean: Mapping[str, Any]
    ) -> dict[str, list[Any]]:
        """``{field: [before, after]}`` the row makes to ``employer`` under the policy."""
        changes: dict[str, list[Any]] = {}
        for name in PLAIN_FIELDS:
            if name not in clean:
                continue
            rule = self.policy[name]
            new = clean[name]
            old = getattr(employer, name)
            if rule == FieldPolicy.KEEP:
                continue
            if name == "status":
                if rule == FieldPolicy.FILL and employer.last_collected_on is not None:
                    continue
            elif rule == FieldPolicy.FILL and old not in (None, ""):
                continue
            if isinstance(old, Decimal) and isinstance(new, Decimal) and old == new:
                continue
            if old != new:
                changes[name] = [_json(old), _json(new)]
        if "lat" in changes or "lng" in changes:
            # Coordinates go together.
            for name in ("lat", "lng"):
                if name not in changes and name in clean and getattr(employer, name) != clean[name]:
                    changes[name] = [_json(getattr(employer, name)), _json(clean[name])]
        phone = clean.get("contact_phone")
        if phone and self.policy["contact_phone"] != FieldPolicy.KEEP:
            masked = ids.mask_phone(phone)
            if not employer.contact_phone_enc or (
                self.policy["contact_phone"] == FieldPolicy.OVERWRITE
                and employer.contact_phone_masked != masked
            ):
                # Only the masked form is kept in the batch's records (personal information).
                changes["contact_phone"] = [employer.contact_phone_masked, masked]
        return changes

    def _load_known(self) -> None:
        """The fingerprint base of this batch and the fingerprints of the register's current
        listings in the county (:attr:`known`), read once for the run."""
        self.fingerprint_base = json.dumps(
            [
                FINGERPRINT_VERSION,
                self.batch.source,
                self.county.path,
                sorted(self.policy.items()),
                sorted(self.batch.mapping.items()),
            ],
            ensure_ascii=False,
        ).encode()
        source_table = EmployerSource._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                'SELECT s."fingerprint", s."employer_id", '  # noqa: S608 - names from _meta
                'CASE WHEN s."last_seen_on" = %s THEN 1 ELSE 0 END '
                f'FROM "{source_table}" s JOIN {EMPLOYER_TABLE} e ON e."id" = s."employer_id" '
                'WHERE s."source" = %s AND s."fingerprint" <> %s '
                'AND e."merged_into_id" IS NULL AND e."grid_path" LIKE %s',
                [self.today, self.batch.source, "", self.county.path + "%"],
            )
            known, today = self.known, self.seen_today
            for fingerprint, employer_id, seen in cursor.fetchall():
                known[int(fingerprint, 16)] = employer_id
                if seen:
                    today.add(employer_id)

    def _claim(self, p: Planned) -> None:
        """The first row of the file that gives an employer claims it; a later row that gives
        the same employer is a duplicate of that row, whatever made it match (another code of
        the employer's, its organisation code in another USCC, a merge target) and whether or
        not either row is taken as it stands. So the first import of a file and the next one
        decide alike, and importing the same file again changes nothing. (Rows with the same
        codes or name are duplicates before matching: :func:`_row_key`.)"""
        employer_id = cast(Created, p.employer).pk
        prior = self.claimed.get(employer_id)
        if prior is None:
            self.claimed[employer_id] = p.number
            return
        p.outcome = RowOutcome.DUPLICATE
        p.duplicate_of = prior
        p.changes = {}

    def _plan(self, rows: list[Planned]) -> None:
        valid = []
        for p in rows:
            self.counts.rows += 1
            if p.same:
                continue
            if not p.result.ok:
                p.outcome = RowOutcome.REJECTED
                continue
            key = _row_key(p.result.clean)
            if key in self.seen:
                p.outcome = RowOutcome.DUPLICATE
                p.duplicate_of = self.seen[key]
                continue
            self.seen[key] = p.number
            valid.append(p)
        if valid:
            self._match(valid)
        for p in rows:
            if p.same or (p.employer is not None and p.outcome in APPLIED):
                self._claim(p)

    def _match(self, valid: list[Planned]) -> None:
        """Match the valid rows of a chunk and decide what each does."""
        by_code = self._by_codes(valid)
        unmatched = [p for p in valid if not self._match_code(p, by_code)]
        by_name, by_core = self._by_names(unmatched)
        for p in unmatched:
            self._match_name(p, by_name)
        unmatched = [p for p in unmatched if p.employer is None and not p.outcome]
        for p in unmatched:
            self._match_similar(p, by_core)
        self.listings = self._listings(
            {p.employer.pk for p in valid if p.employer is not None and not p.outcome}
        )
        for p in valid:
            if p.outcome == RowOutcome.REVIEW:
                continue
            if p.employer is None:
                p.outcome = RowOutcome.CREATED
                continue
            listing = self.listings.get(p.employer.pk)
            if listing is not None and listing[4] and listing[4] == p.fingerprint:
                # The register says what it said last time, under the same policy: nothing
                # to compare, nothing to write (a re-import of an unchanged file is a read).
                p.outcome = RowOutcome.UNCHANGED
                continue
            p.changes = self._changes(cast(Current, p.employer), p.result.clean)
            p.outcome = RowOutcome.UPDATED if p.changes else RowOutcome.UNCHANGED

    def _listings(self, employer_ids: set[int]) -> dict[int, tuple[int, str, str, date, str]]:
        """This register's listings of ``employer_ids`` (one indexed query)."""
        if not employer_ids:
            return {}
        among, listed = in_list(employer_ids)
        with connection.cursor() as cursor:
            cursor.execute(
                'SELECT "employer_id", "id", "reference", "registered_status", "last_seen_on", '  # noqa: S608 - names from _meta
                f'"fingerprint" FROM "{EmployerSource._meta.db_table}" '
                f'WHERE "source" = %s AND "employer_id" {among}',
                [self.batch.source, listed],
            )
            return {r[0]: (r[1], r[2], r[3], _as_date(r[4]), r[5]) for r in cursor.fetchall()}

    # --- writing ------------------------------------------------------------------------------

    def _new_employer(self, clean: Mapping[str, Any]) -> dict[str, Any]:
        """A new employer's column values (by attribute name) from a register row, placed by
        coordinates, else by address, else in the county's "to be assigned" queue."""
        v = {k: clean[k] for k in PLAIN_FIELDS if k in clean and clean[k] is not None}
        former = clean.get("former_names")
        v["former_names"] = bulk.join_names(former.splitlines()) if former else ""
        if clean.get("contact_phone"):
            v["contact_phone_enc"] = pii.seal(clean["contact_phone"], context=PHONE_CONTEXT)
            v["contact_phone_masked"] = ids.mask_phone(clean["contact_phone"])
        lat, lng, address = v.get("lat"), v.get("lng"), v.get("address", "")
        if lat is None and lng is None:
            # The same address is placed the same way (a market hall, a village's road): placed
            # once per run.
            located = self.placed.get(address)
            if located is None:
                if len(self.placed) >= PLACED_MAX:
                    self.placed.clear()
                located = self.placed[address] = self.locate(lat=None, lng=None, address=address)
        else:
            located = self.locate(lat=lat, lng=lng, address=address)
        grid = self.county if located.method == LocateMethod.UNASSIGNED else located.grid
        actor_id = getattr(self.actor, "pk", None)
        v.update(
            grid_id=grid.pk,
            grid_path=grid.path,
            grid_method=located.method,
            grid_note=(located.detail or "")[:200],
            created_by_id=actor_id,
            updated_by_id=actor_id,
        )
        return v

    def _apply(self, rows: list[Planned], *, matched_here: bool = False) -> None:
        """Write what the rows do. ``matched_here``: they were matched in this transaction."""
        now = timezone.now()
        new = [p for p in rows if p.outcome == RowOutcome.CREATED]
        if new:
            with self._timed("locate"):
                values = [
                    p.new if p.new is not None else self._new_values(p.result.clean) for p in new
                ]
            with self._timed("create"):
                # No history row per created employer: the batch and its import row are the
                # provenance (the archive starts with "由第 N 批登记库导入创建").
                ids_ = self.employers.create(values, now=now, history=False, prepared=True)
            for p, pk in zip(new, ids_, strict=True):
                p.employer = Created(pk)
        changed = [p for p in rows if p.outcome == RowOutcome.UPDATED]
        if changed:
            with self._timed("update"):
                self._update(changed, now, matched_here=matched_here)
        with self._timed("sources"):
            applied = [p for p in rows if p.employer is not None and p.outcome in APPLIED]
            self._sources([p for p in applied if not p.same])
            self._seen_again([p for p in applied if p.same])

    def _seen_again(self, rows: list[Planned]) -> None:
        """The listings of rows taken as they stand are seen today: nothing to write where
        they were seen today already; otherwise ``last_seen_on`` is set (set-based) and the
        row keeps what it was, for a rollback."""
        stale = {cast(Created, p.employer).pk for p in rows} - self.seen_today
        if not stale:
            return
        listings = self._listings(stale)
        today = self.writer.date(self.today)
        update = []
        for p in rows:
            employer_id = cast(Created, p.employer).pk
            listing = listings.get(employer_id)
            if employer_id in self.seen_today or listing is None:
                continue
            source_id, reference, status, last_seen, _fingerprint = listing
            update.append((today, source_id))
            p.changes["_source"] = [[reference, status, last_seen.isoformat()], None]
            self.seen_today.add(employer_id)
        self.writer.update(EmployerSource, ("last_seen_on",), update)

    def _update(self, changed: list[Planned], now: Any, *, matched_here: bool = False) -> None:
        """Apply the rows that change an existing employer, set-based, through the registry's
        write path (:meth:`laborgrid.employers.bulk.EmployerWrites.update`: one ``UPDATE`` per
        set of changed columns, the derived columns, the former names of a rename, the
        "changed" history rows). The records are read again, locked, and the changes worked
        out again on them, in case someone edited one since matching — except on SQLite for
        rows ``matched_here``: the transaction has held the database's write lock since before
        they were matched (``transaction_mode`` IMMEDIATE), so what matching read is what the
        records hold, and the changes it worked out stand. Plain column values throughout: a
        model instance per record, and preparing each of its values for the driver, cost more
        than the writes."""
        rows = bulk.locked([cast(Current, p.employer).pk for p in changed])
        sqlite = connection.vendor == "sqlite"
        again = not (sqlite and matched_here)
        updates: list[tuple[dict[str, Any], dict[str, Any]]] = []
        applied: list[Planned] = []
        for p in changed:
            values = rows[cast(Current, p.employer).pk]
            if again:
                current = tuple(values[a] for a in CURRENT_ATTNAMES)
                record = Current(*(_from_sqlite(current) if sqlite else current))
                p.employer = record
                p.changes = self._changes(record, p.result.clean)
                if not p.changes:
                    p.outcome = RowOutcome.UNCHANGED
                    continue
            clean = p.result.clean
            new: dict[str, Any] = {}
            for name in p.changes:
                if name == "contact_phone":
                    new["contact_phone_enc"] = pii.seal(clean[name], context=PHONE_CONTEXT)
                    new["contact_phone_masked"] = ids.mask_phone(clean[name])
                else:
                    new[name] = clean[name]
            updates.append((values, new))
            applied.append(p)
        for p, done in zip(applied, self.employers.update(updates, now=now), strict=True):
            if "former_names" in done:  # a rename: what a rollback gives back
                p.changes["former_names"] = done["former_names"]
            p.changes["_version"] = done["_version"]

    def _sources(self, rows: list[Planned]) -> None:
        """The employer is listed in this register: its code there, registered status and the
        row's fingerprint. Written set-based (a row per employer and register); a listing that
        stays as it was is not written."""
        if not rows:
            return
        source = self.batch.source
        missing = {cast(Current, p.employer).pk for p in rows} - set(self.listings)
        existing = {**self.listings, **self._listings(missing)}
        today = self.writer.date(self.today)
        create: dict[int, dict[str, Any]] = {}
        update: dict[int, tuple[Any, ...]] = {}
        for p in rows:
            employer_id = cast(Current, p.employer).pk
            clean = p.result.clean
            reference = clean.get("uscc") or clean.get("reg_number") or clean.get("org_code") or ""
            status = clean.get("status", "")
            fingerprint = p.fingerprint
            found = existing.get(employer_id)
            if found is None:
                existing[employer_id] = (0, reference, status, self.today, fingerprint)
                create[employer_id] = {
                    "employer_id": employer_id,
                    "source": source,
                    "reference": reference,
                    "registered_status": status,
                    "first_seen_on": today,
                    "last_seen_on": today,
                    "fingerprint": fingerprint,
                }
                p.changes["_source"] = [None, None]
                continue
            source_id, old_reference, old_status, last_seen, old_fingerprint = found
            after = (reference or old_reference, status or old_status, self.today)
            if (old_reference, old_status, last_seen) != after or old_fingerprint != fingerprint:
                existing[employer_id] = (source_id, *after, fingerprint)
                if source_id:
                    update[source_id] = (after[0], after[1], today, fingerprint, source_id)
                    if (old_reference, old_status, last_seen) != after:
                        p.changes["_source"] = [
                            [old_reference, old_status, last_seen.isoformat()],
                            None,
                        ]
                else:  # a second row of this chunk for an employer listed by the first
                    create[employer_id].update(
                        reference=after[0], registered_status=after[1], fingerprint=fingerprint
                    )
        self.writer.insert(self.source_table, [self.source_table.row(v) for v in create.values()])
        self.writer.update(
            EmployerSource,
            ("reference", "registered_status", "last_seen_on", "fingerprint"),
            list(update.values()),
        )

    def _label(self, rows: list[Planned]) -> None:
        """What the batch page shows of rows taken as they stand (their cells were not read
        into fields): the employer's name and code."""
        same = {cast(Created, p.employer).pk: p for p in rows if p.same and p.employer}
        for e in self._select("id", same) if same else []:
            same[e.pk].label = (e.name, e.uscc or e.reg_number or e.org_code)

    def _records(self, rows: list[Planned]) -> None:
        """One :class:`ImportRow` per row, written set-based."""
        out = []
        dumps = _JSON.encode
        rows = [p for p in rows if not p.same or p.changes or p.outcome != RowOutcome.UNCHANGED]
        self._label(rows)
        for p in rows:
            clean = p.result.clean
            problems = [
                {
                    "field": e.field,
                    "header": e.header,
                    "message": str(e.message),
                    "error": error,
                    **({"value": e.value} if e.value else {}),
                }
                for error, found in ((True, p.result.errors), (False, p.result.warnings))
                for e in found
            ]
            data: dict[str, Any] = {}
            if p.outcome == RowOutcome.REVIEW:
                data = {k: _json(v) for k, v in clean.items()}
                if data.get("contact_phone"):  # personal information: kept sealed (DOMAIN A6)
                    data["contact_phone"] = pii.seal(data["contact_phone"], context=PHONE_CONTEXT)
            employer = p.employer
            code = clean.get("uscc") or clean.get("reg_number") or clean.get("org_code") or ""
            if p.same:
                code = p.label[1]
            out.append(
                self.record_table.full_row(
                    {
                        "batch_id": self.batch.pk,
                        "row_number": p.number,
                        "outcome": p.outcome,
                        "employer_id": employer.pk if employer is not None else None,
                        "match_method": p.method,
                        "name": str(p.label[0] if p.same else clean.get("name", ""))[:200],
                        "code": str(code)[:18],
                        "problems": dumps(problems) if problems else "[]",
                        "changes": dumps(p.changes) if p.changes else "{}",
                        "data": dumps(data) if data else "{}",
                        "candidates": dumps(p.candidates) if p.candidates else "[]",
                        "duplicate_of": p.duplicate_of,
                        "decision": "",
                        "decided_by_id": None,
                        "decided_at": None,
                    }
                )
            )
        self.writer.insert(self.record_table, out)

    def apply_decision(self, row: ImportRow, target: Employer | None) -> None:
        """Apply a review row a person decided: update ``target`` per the policy, or create a
        new employer (``None``). ``row`` gets the employer and the changes (for a rollback)."""
        clean: dict[str, Any] = {}
        for name, value in row.data.items():
            if name in PLAIN_FIELDS and value is not None:
                clean[name] = from_json(name, value)
            elif name == "contact_phone" and value:
                clean[name] = pii.unseal(value, context=PHONE_CONTEXT)
            else:
                clean[name] = value
        p = Planned(row.row_number, RowResult(clean, [], []))
        if target is None:
            p.outcome = RowOutcome.CREATED
        else:
            p.employer = target
            p.changes = self._changes(target, clean)
            p.outcome = RowOutcome.UPDATED if p.changes else RowOutcome.UNCHANGED
        self._apply([p])
        row.employer_id = cast(Employer | Created, p.employer).pk
        row.changes = p.changes
        row.data = {}

    # --- the run ------------------------------------------------------------------------------

    def run(self) -> Counts:
        # SQLite: a page cache big enough for the indexes of a million employers.
        with self.writer.tuned():
            return self._run()

    def _run(self) -> Counts:
        batch = self.batch
        register = self._open()
        self._load_known()
        self.total = register.estimated_rows()
        chunks: ReadAheadProcess[list[Planned]] | ReadAhead[list[Planned]] | None = None
        try:
            resume_after = batch.checkpoint if self.commit else 0
            if resume_after:
                # A commit that stopped: the counts of the applied chunks are in the batch.
                for name, value in batch.counts.items():
                    setattr(self.counts, "rows" if name == "rows" else name, value)
            else:
                ImportRow.objects.filter(batch=batch).delete()
            ImportBatch.objects.filter(pk=batch.pk).update(
                headers=batch.headers,
                mapping=batch.mapping,
                unknown_columns=batch.unknown_columns,
                file_format=batch.file_format,
                encoding=batch.encoding,
                header_row=batch.header_row,
            )
            # The next chunk is read and normalised (in a process of its own) while this one
            # is written.
            chunks = read_ahead(self._chunks(register), encode=_encode, decode=_decode)
            while True:
                with self._timed("read"):
                    rows = next(chunks, None)
                if rows is None:
                    break
                if rows[-1].number <= resume_after:
                    # Applied before the stop: only remember the rows for in-file duplicates.
                    for p in rows:
                        if p.same:
                            self.claimed.setdefault(cast(Created, p.employer).pk, p.number)
                        elif p.result.ok:
                            self.seen.setdefault(_row_key(p.result.clean), p.number)
                    continue
                with self._timed("commit"), transaction.atomic():
                    self.writer.commit_without_waiting()
                    with self._timed("match"):
                        self._plan(rows)
                    if self.commit:
                        self._apply(rows, matched_here=True)
                    with self._timed("records"):
                        self._records(rows)
                        for p in rows:
                            self.counts.add(p.outcome)
                        self._save_counts(checkpoint=rows[-1].number if self.commit else 0)
                self.total = max(self.total, self.counts.rows)
                self.progress(self.counts.rows, self.total)
        finally:
            if chunks is not None:
                chunks.close()
                self.counts.reader_peak_mb = getattr(chunks, "peak_mb", 0)
            register.close()
            # "commit" is what the transaction's end itself took (SQLite writes its pages then).
            spent = self.counts.seconds
            inner = sum(v for k, v in spent.items() if k not in ("read", "commit"))
            spent["commit"] = max(0.0, spent.get("commit", 0.0) - inner)
        return self.counts

    def _save_counts(self, checkpoint: int) -> None:
        c = self.counts
        ImportBatch.objects.filter(pk=self.batch.pk).update(
            rows_total=c.rows,
            created=c.created,
            updated=c.updated,
            unchanged=c.unchanged,
            rejected=c.rejected,
            review=c.review,
            duplicates=c.duplicates,
            checkpoint=checkpoint,
            heartbeat_at=timezone.now(),
        )


CODES = ("uscc", "org_code", "reg_number")
#: Why a batch whose upload was deleted cannot be run.
FILE_GONE = gettext_lazy("该批次的上传文件已删除，不能再处理；请重新上传文件。")
#: A batch's message once its upload was deleted unimported (``services.purge_stale_uploads``).
UPLOAD_GONE = gettext_lazy(
    "上传的文件超过保留期限（%(days)s 天）未导入，已删除（个人信息保护）；如需导入，请重新上传。"
)
#: A row taken as it stands (:attr:`Planned.same`): its cells are not read into fields.
SAME = RowResult({}, [], [])
#: Part of every fingerprint: a new version when what the normalisation makes of the same cells
#: changes, so that every listing is compared again once.
FINGERPRINT_VERSION = 2
#: Addresses whose placing a run remembers at most (then it starts again).
PLACED_MAX = 50_000
#: How alike two addresses must be (difflib ratio of the normalised texts) for a similar name to
#: be a probable match; the registry's duplicate check uses the same bar.
SIMILAR_ADDRESS = 0.6
#: The import records' JSON (``json.dumps(…, ensure_ascii=False)`` builds an encoder per call:
#: a million calls of an import).
_JSON = json.JSONEncoder(ensure_ascii=False)
APPLIED = (RowOutcome.CREATED, RowOutcome.UPDATED, RowOutcome.UNCHANGED)


def _encode(chunk: list[Planned]) -> list[tuple[Any, ...]]:
    """A chunk of rows as :func:`_decode` takes it back in the importer's process: tuples of
    plain values (a dataclass per row costs several times as much to unpickle). A choice
    (``TextChoices`` member) goes as the plain text it equals, and a text that recurs in the
    chunk (a registration authority, a status, a type) as one object: pickle sends it once."""
    out: list[tuple[Any, ...]] = []
    texts: dict[str, str] = {}
    for p in chunk:
        if p.same:
            employer_id = cast(Created, p.employer).pk
            out.append((p.number, None, None, None, p.fingerprint, employer_id, None, None))
            continue
        clean = _shared(p.result.clean, texts)
        new = p.new and _shared(p.new, texts)
        keys = p.keys and tuple(texts.setdefault(k, k) for k in p.keys)
        errors, warnings = p.result.errors or None, p.result.warnings or None
        out.append((p.number, clean, errors, warnings, p.fingerprint, None, new, keys))
    return out


def _shared(values: Mapping[str, Any], texts: dict[str, str]) -> dict[str, Any]:
    """``values`` with each text (a choice as its plain text) the one object ``texts`` holds."""
    return {
        k: texts.setdefault(str(v), str(v)) if isinstance(v, str) else v for k, v in values.items()
    }


def _decode(rows: list[tuple[Any, ...]]) -> list[Planned]:
    out = []
    for number, clean, errors, warnings, fingerprint, employer_id, new, keys in rows:
        if employer_id is not None:
            p = Planned(
                number,
                SAME,
                outcome=RowOutcome.UNCHANGED,
                employer=Created(employer_id),
                fingerprint=fingerprint,
                same=True,
            )
        else:
            p = Planned(
                number,
                RowResult(clean, errors or [], warnings or []),
                fingerprint=fingerprint,
                new=new,
                keys=keys,
            )
        out.append(p)
    return out


def run_batch(
    batch: ImportBatch,
    *,
    commit: bool,
    actor: User,
    progress: Callable[[int, int], None] | None = None,
    chunk: int | None = None,
    takeover: Job | None = None,
) -> Counts:
    """Dry-run or commit ``batch`` (``chunk`` rows per transaction, default :data:`CHUNK`); the
    batch's status follows. ``takeover``: the batch's own job, started again after its worker died
    (its dead run still holds the batch: no need to wait for the heartbeat to go stale). Raises
    :class:`BatchError`."""
    allowed = (
        {BatchStatus.UPLOADED, BatchStatus.PREVIEWED, BatchStatus.FAILED, BatchStatus.PREVIEWING}
        if not commit
        else {BatchStatus.UPLOADED, BatchStatus.PREVIEWED, BatchStatus.COMMITTING}
    )
    if batch.status not in allowed:
        raise BatchError(
            _("该批次当前状态为“%(s)s”，不能执行此操作。") % {"s": batch.get_status_display()}
        )
    running = BatchStatus.COMMITTING if commit else BatchStatus.PREVIEWING
    now = timezone.now()
    # Claim the batch: one run at a time (a double click, the page and the command together);
    # a run whose heartbeat stopped (killed) no longer holds it.
    free = Q(heartbeat_at__isnull=True) | Q(heartbeat_at__lt=now - STALL_AFTER)
    if takeover is not None:
        free |= Q(job=takeover)
    claimed = (
        ImportBatch.objects.filter(pk=batch.pk, status__in=allowed)
        .filter(free)
        .update(status=running, message="", heartbeat_at=now)
    )
    if not claimed:
        raise BatchError(_("该批次正在另一个进程中处理，请等它结束。"))
    batch.status = running
    try:
        counts = Runner(batch, commit=commit, actor=actor, progress=progress, chunk=chunk).run()
    except BaseException as exc:
        # A dry run that failed can be run again; a commit stays "committing" with its
        # checkpoint, to be resumed (every applied chunk is whole).
        message = (
            str(exc)
            if isinstance(exc, BatchError)
            else _("处理中断（%(error)s），可以重新开始，已完成的部分不会重复。")
            % {"error": type(exc).__name__}
        )
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=BatchStatus.FAILED if not commit else BatchStatus.COMMITTING,
            message=message,
            heartbeat_at=None,
        )
        raise
    done = BatchStatus.COMMITTED if commit else BatchStatus.PREVIEWED
    extra: dict[str, Any] = {"status": done, "heartbeat_at": None}
    if commit:
        extra.update(committed_by=actor, committed_at=timezone.now(), file="")
        # The county's figures (coverage: 底数清) are counted again by whoever listens.
        bulk.employers_changed(batch.grid.path)
        # The character index of the new and renamed employers catches up in the background.
        indexing.schedule(actor)
        # The file's content is in the database now; the upload (names, phone numbers) is not
        # kept twice (DOMAIN A6). Its name, size and SHA-256 stay with the batch.
        batch.file.delete(save=False)
    ImportBatch.objects.filter(pk=batch.pk).update(**extra)
    batch.refresh_from_db()
    return counts


def source_choices() -> list[tuple[str, str]]:
    return [(k, str(v)) for k, v in RegisterSource.choices if k in PRESETS]

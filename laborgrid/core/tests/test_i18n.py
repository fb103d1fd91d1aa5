"""English is the translation of a Chinese UI: the catalogue is complete and compiled, the language
switch works, and an English page shows no Chinese except data (grid and staff names).

* the committed ``.mo`` says what its ``.po`` says (``scripts/compile-messages`` was run);
* no entry of the ``.po`` is untranslated or fuzzy, and every translation keeps its placeholders;
* ``/i18n/setlang/`` (or the language cookie) switches the shell to English;
* pages rendered in English contain no Chinese character once data is stripped — a string that
  fails here is a template or Python string that is not marked for translation, or a msgid that is
  missing from the catalogue (run ``make messages`` and translate it).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import polib
import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from laborgrid.accounts.models import GridAssignment, User
from laborgrid.cases.tests import i18n_cases
from laborgrid.collection.tests import i18n_collection
from laborgrid.grids.models import Grid
from laborgrid.inspections.tests import i18n_inspections
from laborgrid.projects.tests import i18n_projects
from laborgrid.ratings.tests import i18n_ratings
from laborgrid.testing.personas import MAOCHANG, client_for

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
PO_FILES = sorted(LOCALE_DIR.glob("*/LC_MESSAGES/django.po"))
EN_PO = LOCALE_DIR / "en" / "LC_MESSAGES" / "django.po"

CJK = re.compile(r"[\u4e00-\u9fff]+")
# Full-width punctuation (，。、：；（）“” …) is just as Chinese on an English page.
CJK_PUNCTUATION = re.compile(r"[\u3000-\u303f\uff00-\uffef]+")
PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[sdifFeEgGxXor%]")
# The button that switches back to Chinese is written in Chinese in every language.
LANGUAGE_SWITCH_LABEL = "中文"


@pytest.fixture(autouse=True)
def _reset_language() -> Iterator[None]:
    """LocaleMiddleware activates English in this thread; later tests expect the default again."""
    yield
    translation.deactivate()


def _english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _sysadmin_english() -> Client:
    return _english(client_for("sysadmin"))


def _maochang_english() -> Client:
    return _english(client_for("maochang"))


def _anonymous_english() -> Client:
    return _english(Client())


def _maochang_user_url(suffix: str = "") -> Callable[[], str]:
    return lambda: f"/accounts/users/{User.objects.get(username='maochang').pk}/{suffix}"


def _demo_employer_url(suffix: str = "") -> Callable[[], str]:
    """A 猫场镇 demo employer with snapshots and workers (seed_demo makes several)."""

    def url() -> str:
        from laborgrid.employers.models import Employer

        employer = (
            Employer.objects.filter(grid_path__under=Grid.objects.get(code=MAOCHANG).path)
            .filter(workers__isnull=False, current_snapshot__isnull=False)
            .order_by("id")
            .first()
        )
        assert employer is not None, "the demo has no 猫场镇 employer with a roster"
        return f"/employers/{employer.pk}/{suffix}"

    return url


def _register_batch_url(suffix: str = "") -> Callable[[], str]:
    """A county import batch after its dry run, with a rejected row (issue 4's pages)."""

    def url() -> str:
        import io

        from laborgrid.registers import services
        from laborgrid.registers.pipeline import run_batch
        from laborgrid.registers.tests.files import HEADER, csv_text, scjg_rows, with_titles

        county = User.objects.get(username="county")
        rows = scjg_rows(2)
        rows[1][0] = "91520521XXXXXXXXX1"
        content = csv_text(with_titles([HEADER, *rows])).encode("gbk")
        batch = services.create_batch(
            actor=county, source="scjg", file=io.BytesIO(content), file_name="scjg.csv"
        )
        run_batch(batch, commit=False, actor=county)
        return f"/registers/{batch.pk}/{suffix}"

    return url


def _register_review_url() -> str:
    """A row of a committed batch waiting for a person, with a demo employer as its candidate."""
    from laborgrid.employers.models import Employer
    from laborgrid.registers.models import BatchStatus, ImportBatch, ImportRow, RowOutcome

    county = Grid.objects.get(level="county")
    employer = Employer.objects.filter(grid_path__under=county.path).order_by("id").first()
    assert employer is not None
    batch = ImportBatch.objects.create(
        source="scjg",
        grid=county,
        grid_path=county.path,
        file_name="scjg.csv",
        file_sha256="0" * 64,
        file_size=1,
        status=BatchStatus.COMMITTED,
        created_by=User.objects.get(username="county"),
    )
    row = ImportRow.objects.create(
        batch=batch,
        row_number=5,
        outcome=RowOutcome.REVIEW,
        name=employer.name,
        data={"name": employer.name, "address": employer.address},
        candidates=[{"id": employer.pk, "method": "name"}],
    )
    return f"/registers/review/{row.pk}/"


def _page(
    who: str,
    make_client: Callable[[], Client],
    url: str | Callable[[], str],
    name: str | None = None,
    shows_titles: bool = False,
) -> Any:
    """``shows_titles``: the page renders users' job titles, some of which ("协管员", "系统管理员")
    are also msgids; elsewhere those strings are not stripped as data, so an untranslated role
    label is still caught."""
    return pytest.param(make_client, url, shows_titles, id=f"{who}:{name or url}")


# Home, grid tree, one grid and the map first, then the rest of the shell.
PAGES = [
    _page("maochang", _maochang_english, "/"),
    _page("maochang", _maochang_english, "/grids/"),
    _page("maochang", _maochang_english, f"/grids/{MAOCHANG}/"),
    _page("maochang", _maochang_english, "/grids/map/"),
    _page("maochang", _maochang_english, f"/grids/{MAOCHANG}/children/"),
    _page("maochang", _maochang_english, "/grids/?q=zzz-no-such-grid"),
    _page("maochang", _maochang_english, "/accounts/password/"),
    _page("maochang", _maochang_english, "/accounts/tokens/"),
    _page("anonymous", _anonymous_english, "/accounts/login/"),
    _page("county", lambda: _english(client_for("county")), "/"),
    _page("leader", lambda: _english(client_for("leader")), "/grids/520521P01/"),
    _page("sysadmin", _sysadmin_english, "/"),
    _page("sysadmin", _sysadmin_english, "/accounts/users/"),
    _page("sysadmin", _sysadmin_english, "/accounts/users/add/"),
    _page("sysadmin", _sysadmin_english, _maochang_user_url(), "/accounts/users/<maochang>/", True),
    _page(
        "sysadmin",
        _sysadmin_english,
        _maochang_user_url("edit/"),
        "/accounts/users/<maochang>/edit/",
        True,
    ),
    _page("sysadmin", _sysadmin_english, f"/grids/{MAOCHANG}/add/"),
    _page("sysadmin", _sysadmin_english, f"/grids/{MAOCHANG}/edit/"),
    _page("sysadmin", _sysadmin_english, f"/grids/{MAOCHANG}/move/"),
    _page("sysadmin", _sysadmin_english, f"/grids/{MAOCHANG}/merge/"),
    _page("secadmin", lambda: _english(client_for("secadmin")), "/accounts/users/"),
    _page("secadmin", lambda: _english(client_for("secadmin")), "/accounts/lockouts/"),
    _page("auditor", lambda: _english(client_for("auditor")), "/"),
    _page("auditor", lambda: _english(client_for("auditor")), "/audit/"),
    # The employer registry, on a demo employer of 猫场镇 with snapshots and a roster.
    _page("maochang", _maochang_english, "/employers/"),
    _page("maochang", _maochang_english, "/employers/?q=zzz&flag=arrears&flag=stale"),
    _page("maochang", _maochang_english, "/employers/new/"),
    _page("maochang", _maochang_english, "/employers/workers/lookup/"),
    _page("maochang", _maochang_english, "/employers/minimum-wages/"),
    _page("county", lambda: _english(client_for("county")), "/employers/minimum-wages/"),
    # Register imports (issue 4): the batches, upload, a batch after its dry run, the queues.
    _page("maochang", _maochang_english, "/registers/"),
    _page("county", lambda: _english(client_for("county")), "/registers/"),
    _page("county", lambda: _english(client_for("county")), "/registers/new/"),
    _page("county", lambda: _english(client_for("county")), "/registers/review/"),
    _page("county", lambda: _english(client_for("county")), "/registers/unassigned/"),
    _page(
        "county",
        lambda: _english(client_for("county")),
        _register_review_url,
        "/registers/review/<id>/",
    ),
    *(
        _page(
            "county",
            lambda: _english(client_for("county")),
            _register_batch_url(suffix),
            f"/registers/<id>/{suffix}",
        )
        for suffix in ("", "?outcome=created", "mapping/", "rollback/")
    ),
    # Coverage (底数清): the township's table and map, the county's villages by never visited,
    # a list behind a count.
    _page("maochang", _maochang_english, "/coverage/"),
    _page(
        "county", lambda: _english(client_for("county")), "/coverage/520521/?measure=never&depth=2"
    ),
    _page("maochang", _maochang_english, f"/coverage/{MAOCHANG}/employers/stale/"),
    _page("maochang", _maochang_english, f"/coverage/{MAOCHANG}/employers/scjg/"),
    # The working-day calendar (issue 6): a seeded year read by staff, an empty year being entered.
    _page("maochang", _maochang_english, "/calendar/?year=2026"),
    _page("sysadmin", _sysadmin_english, "/calendar/?year=2026"),
    _page("sysadmin", _sysadmin_english, "/calendar/?year=2027"),
    # Documents (issue 6): the layouts, and the numbering patterns of the system administrator.
    _page("maochang", _maochang_english, "/documents/"),
    _page("sysadmin", _sysadmin_english, "/documents/"),
    _page("sysadmin", _sysadmin_english, "/documents/numbering/"),
    *(
        _page(
            "maochang", _maochang_english, _demo_employer_url(suffix), f"/employers/<id>/{suffix}"
        )
        for suffix in (
            "",
            "?as_of=2020-01-01",
            "edit/",
            "snapshots/new/",
            "merge/",
            "split/",
            "workers/",
            "workers/new/",
            "workers/import/",
        )
    ),
    # Field collection (issue 5): rounds, review, problems; the assignee's phone pages.
    *(_page(*p) for p in i18n_collection.PAGES),
    *(_page(*p) for p in i18n_cases.PAGES),
    *(_page(*p) for p in i18n_inspections.PAGES),
]


def _data_strings(shows_titles: bool = True) -> list[str]:
    """Chinese that is data, not UI: names, titles, duties and notes from the database."""
    data: set[str] = {LANGUAGE_SWITCH_LABEL}
    data.update(Grid.objects.values_list("name", flat=True))
    data.update(Grid.objects.values_list("note", flat=True))
    data.update(User.objects.values_list("full_name", flat=True))
    data.update(GridAssignment.objects.values_list("duty", flat=True))
    data.update(_employer_data())
    data.update(_register_data())
    data.update(_documents_data())
    data.update(i18n_collection.data_strings())
    data.update(i18n_cases.data_strings())
    data.update(i18n_inspections.data_strings())
    data.update(i18n_projects.data_strings())
    data.update(i18n_ratings.data_strings())
    titles = set(User.objects.values_list("title", flat=True))
    if not shows_titles:
        titles -= {e.msgid for e in polib.pofile(str(EN_PO))}
    data |= titles
    data.discard("")
    # Longest first, so a title such as "猫场镇…中队长" goes before the grid name inside it.
    return sorted(data | {html.escape(d) for d in data}, key=len, reverse=True)


def _documents_data() -> set[str]:
    """Document numbers and their patterns are Chinese in every UI language."""
    from django.utils import timezone

    from laborgrid.documents.tests.i18n_data import chinese_data

    return chinese_data(timezone.localdate().year)


def _employer_data() -> set[str]:
    """Employer records are data too: names, addresses, notes, what people typed."""
    from laborgrid.employers.models import (
        Employer,
        EmployerSource,
        LabourSnapshot,
        MinimumWage,
        Worker,
    )

    data: set[str] = set()
    for field in (
        "name",
        "legal_rep",
        "contact_person",
        "address",
        "business_scope",
        "grid_note",
    ):
        data.update(Employer.objects.values_list(field, flat=True))
    for former in Employer.objects.exclude(former_names="").values_list("former_names", flat=True):
        data.update(former.splitlines())
    data.update(Employer.history.values_list("history_change_reason", flat=True))
    data.update(Employer.history.values_list("name", flat=True))
    for field in ("collector_name", "source", "note", "withdraw_reason", "hours_approval_no"):
        data.update(LabourSnapshot.objects.values_list(field, flat=True))
    for field in ("name", "hukou_address", "current_address"):
        data.update(Worker.objects.values_list(field, flat=True))
    data.update(EmployerSource.objects.values_list("registered_status", flat=True))
    for field in ("tier", "document"):
        data.update(MinimumWage.objects.values_list(field, flat=True))
    # The roster file's own column headers: the format of the file, Chinese whatever the UI language.
    from laborgrid.employers.roster_import import COLUMNS

    data.update(c.header for c in COLUMNS)
    data.discard(None)  # type: ignore[arg-type]
    return data


def _register_data() -> set[str]:
    """An import's file is data: its name, title rows and headers, and what its rows said
    (problems are stored in the language the dry run ran in)."""
    from laborgrid.registers.models import ImportBatch, ImportRow
    from laborgrid.registers.tests.files import EXPORTED, HEADER, TITLE

    data: set[str] = {*TITLE, *EXPORTED, *HEADER}
    for name, headers, message in ImportBatch.objects.values_list(
        "file_name", "headers", "message"
    ):
        data.update([name, message, *headers])
    for name, problems, values in ImportRow.objects.values_list("name", "problems", "data"):
        data.add(name)
        for p in problems:
            data.update([p.get("header") or "", p.get("message") or ""])
        data.update(str(v) for v in values.values())
    return data


def _strip_data(text: str, data: list[str]) -> str:
    for value in data:
        text = text.replace(value, "")
    return text


def _leftovers(pattern: re.Pattern[str], text: str) -> list[str]:
    return [
        f"{m.group()!r} in …{text[max(m.start() - 70, 0) : m.end() + 30]!r}…"
        for m in pattern.finditer(text)
    ]


def _render(make_client: Callable[[], Client], url: str | Callable[[], str]) -> str:
    path = url if isinstance(url, str) else url()
    response = make_client().get(path)
    assert response.status_code == 200, f"{path}: HTTP {response.status_code}"
    assert response.headers["Content-Language"] == "en", f"{path} was not rendered in English"
    return response.content.decode()


# --- the catalogue ------------------------------------------------------------------------------


def _key(entry: polib._BaseEntry) -> tuple[str | None, str, str]:
    return (entry.msgctxt, entry.msgid, entry.msgid_plural or "")


def _translations(catalog: polib._BaseFile) -> dict[tuple[str | None, str, str], Any]:
    return {
        _key(e): (dict(e.msgstr_plural) if e.msgid_plural else e.msgstr)
        for e in catalog
        if e.msgid and not e.obsolete and "fuzzy" not in e.flags
    }


def test_there_is_an_english_catalogue() -> None:
    assert EN_PO.exists(), "run `make messages` (needs GNU gettext) to create the English catalogue"
    assert EN_PO in PO_FILES


@pytest.mark.parametrize("po_path", PO_FILES, ids=lambda p: p.parent.parent.name)
def test_committed_mo_matches_po(po_path: Path) -> None:
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is missing: run scripts/compile-messages"
    po = polib.pofile(str(po_path))
    compiled = polib.mofile(po.to_binary())  # type: ignore[call-overload]  # polib accepts bytes
    committed = polib.mofile(str(mo_path))
    expected = _translations(compiled)
    assert expected == _translations(po)  # sanity: the in-memory compile keeps every translation
    actual = _translations(committed)
    stale = sorted(
        k[1] for k in expected.keys() | actual.keys() if expected.get(k) != actual.get(k)
    )
    assert not stale, f"{mo_path.name} is stale for {stale[:10]} …: run scripts/compile-messages"
    assert committed.metadata.get("Plural-Forms") == po.metadata.get("Plural-Forms")


@pytest.mark.parametrize("po_path", PO_FILES, ids=lambda p: p.parent.parent.name)
def test_every_msgid_is_translated_and_not_fuzzy(po_path: Path) -> None:
    po = polib.pofile(str(po_path))
    assert not po.metadata_is_fuzzy, "the header entry is still marked fuzzy"
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    untranslated = [e.msgid for e in po.untranslated_entries()]
    obsolete = [e.msgid for e in po.obsolete_entries()]
    assert not fuzzy, f"fuzzy entries (check the translation, then remove the flag): {fuzzy}"
    assert not untranslated, f"untranslated entries: {untranslated}"
    assert not obsolete, f"obsolete entries (makemessages --no-obsolete drops them): {obsolete}"
    assert po.metadata.get("Language") == po_path.parent.parent.name


@pytest.mark.parametrize("po_path", PO_FILES, ids=lambda p: p.parent.parent.name)
def test_translations_keep_their_placeholders(po_path: Path) -> None:
    wrong = []
    for e in polib.pofile(str(po_path)).translated_entries():
        wanted = set(PLACEHOLDER.findall(e.msgid)) | set(PLACEHOLDER.findall(e.msgid_plural or ""))
        forms = list(e.msgstr_plural.values()) if e.msgid_plural else [e.msgstr]
        if any(set(PLACEHOLDER.findall(form)) != wanted for form in forms):
            wrong.append((e.msgid, forms))
    assert not wrong


def test_english_translations_contain_no_chinese() -> None:
    """A msgstr that is still Chinese (copied msgid) would pass the "translated" check above."""
    chinese = [
        (e.msgid, e.msgstr)
        for e in polib.pofile(str(EN_PO)).translated_entries()
        if CJK.search(e.msgstr) or any(CJK.search(s) for s in e.msgstr_plural.values())
    ]
    assert not chinese


def test_english_plural_forms() -> None:
    po = polib.pofile(str(EN_PO))
    assert po.metadata["Plural-Forms"].replace(" ", "").startswith("nplurals=2;plural=(n!=1)")
    with translation.override("en"):
        one = translation.ngettext("%(n)s 个下级", "%(n)s 个下级", 1) % {"n": 1}
        many = translation.ngettext("%(n)s 个下级", "%(n)s 个下级", 3) % {"n": 3}
    assert (one, many) == ("1 sub-grid", "3 sub-grids")


def test_app_name_is_translated() -> None:
    """The application name shown in every title and footer is extracted and translated."""
    from laborgrid.core.context_processors import APP_NAME

    with translation.override("en"):
        name = str(APP_NAME)
    assert not CJK.search(name), "APP_NAME has no English translation"


# --- the language switch ------------------------------------------------------------------------


@pytest.mark.django_db
def test_login_page_is_chinese_by_default() -> None:
    response = Client().get("/accounts/login/")
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "zh-hans"
    text = response.content.decode()
    assert "登录" in text
    assert "Log in" not in text
    assert 'value="en">English</button>' in text  # the switch offers English


@pytest.mark.django_db
def test_set_language_switches_the_login_page_to_english() -> None:
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    text = client.get("/accounts/login/").content.decode()
    assert "Log in" in text
    assert "登录" not in text
    assert f'value="zh-hans">{LANGUAGE_SWITCH_LABEL}</button>' in text  # and back to Chinese


@pytest.mark.django_db
def test_set_language_switches_the_shell_to_english() -> None:
    client = client_for("maochang")
    zh = client.get("/").content.decode()
    assert "工作台" in zh and "Workbench" not in zh

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    data = _data_strings()
    for path in ("/", "/grids/"):
        response = client.get(path)
        assert response.status_code == 200
        text = _strip_data(response.content.decode(), data)
        with translation.override("en"):
            for msgid in ("工作台", "网格", "网格地图"):
                english = translation.gettext(msgid)
                assert english != msgid
                assert f"{english}</a>" in text, f"{path}: nav item {english!r} missing"
                assert msgid not in text, f"{path}: nav item {msgid!r} is still Chinese"


@pytest.mark.django_db
def test_language_cookie_switches_to_english() -> None:
    text = _maochang_english().get("/grids/").content.decode()
    assert "Workbench" in text
    assert "Grid hierarchy" in text
    assert "工作台" not in text


# --- every string on a page is marked -------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("make_client", "url", "shows_titles"), PAGES)
def test_english_pages_have_no_chinese_except_data(
    make_client: Callable[[], Client], url: str | Callable[[], str], shows_titles: bool
) -> None:
    """The whole HTML is checked, <script> JSON too (the map strings come from {% translate %})."""
    text = _strip_data(_render(make_client, url), _data_strings(shows_titles))
    leftovers = _leftovers(CJK, text)
    assert not leftovers, "untranslated Chinese on an English page:\n" + "\n".join(leftovers)


@pytest.mark.django_db
@pytest.mark.parametrize(("make_client", "url", "shows_titles"), PAGES)
def test_english_pages_have_no_chinese_punctuation(
    make_client: Callable[[], Client], url: str | Callable[[], str], shows_titles: bool
) -> None:
    """Full-width punctuation written around a variable in a template (``，{{ name }}。``) stays
    Chinese in English: the punctuation belongs inside the {% blocktranslate %} string."""
    text = _strip_data(_render(make_client, url), _data_strings(shows_titles))
    leftovers = _leftovers(CJK_PUNCTUATION, text)
    assert not leftovers, "Chinese punctuation on an English page:\n" + "\n".join(leftovers)

"""Reading the State Council's notice: the published texts of 2022–2026 against the calendars
``chinese-calendar`` ships, day for day, and the variants and mistakes a pasted text may have."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import chinese_calendar
import pytest

from laborgrid.workdays.choices import DayKind, Holiday
from laborgrid.workdays.notice import parse_notice
from laborgrid.workdays.services import package_data

NOTICES = Path(__file__).parent / "notices"
YEARS = (2022, 2023, 2024, 2025, 2026)


def notice_text(year: int) -> str:
    return (NOTICES / f"{year}.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("year", YEARS)
def test_published_notice_gives_the_published_calendar(year: int) -> None:
    """Every day of the year is a working day or not exactly as chinese-calendar says, and every
    day the notice names has the kind and holiday chinese-calendar gives it."""
    parsed = parse_notice(notice_text(year))
    assert parsed.ok, parsed.errors
    assert parsed.year == year
    days = {d.date: d for d in parsed.days}
    day = dt.date(year, 1, 1)
    while day.year == year:
        ours = days.get(day)
        working = (ours.kind == DayKind.WORK) if ours else day.weekday() < 5
        assert working == chinese_calendar.is_workday(day), day
        day += dt.timedelta(days=1)
    _version, data = package_data()
    package = {d: (kind, holiday) for y in (year - 1, year) for d, kind, holiday in data[y]}
    for d in parsed.days:
        assert package[d.date] == (d.kind, d.holiday), d


def test_the_2026_notice_is_the_2026_calendar_day_for_day() -> None:
    parsed = parse_notice(notice_text(2026))
    _version, data = package_data()
    assert sorted((d.date, d.kind, d.holiday) for d in parsed.days) == sorted(data[2026])
    assert parsed.number == "国办发明电〔2025〕7号"
    assert parsed.warnings == []
    assert [s.holidays for s in parsed.sections] == [
        (Holiday.NEW_YEARS_DAY,),
        (Holiday.SPRING_FESTIVAL,),
        (Holiday.TOMB_SWEEPING_DAY,),
        (Holiday.LABOUR_DAY,),
        (Holiday.DRAGON_BOAT_FESTIVAL,),
        (Holiday.MID_AUTUMN_FESTIVAL,),
        (Holiday.NATIONAL_DAY,),
    ]
    spring = parsed.sections[1]
    assert spring.rest == [dt.date(2026, 2, 15) + dt.timedelta(days=i) for i in range(9)]
    assert spring.work == [dt.date(2026, 2, 14), dt.date(2026, 2, 28)]


def test_a_joint_item_names_each_day() -> None:
    """2025 "国庆节、中秋节": 中秋 (八月十五 = Oct 6) by name, the rest 国庆, the working days 国庆."""
    parsed = parse_notice(notice_text(2025))
    names = {d.date: d.holiday for d in parsed.days if d.date.month in (9, 10)}
    assert names[dt.date(2025, 10, 6)] == Holiday.MID_AUTUMN_FESTIVAL
    assert names[dt.date(2025, 10, 1)] == Holiday.NATIONAL_DAY
    assert names[dt.date(2025, 9, 28)] == Holiday.NATIONAL_DAY


def test_a_range_across_years_and_a_sentence_that_is_no_arrangement() -> None:
    parsed = parse_notice(notice_text(2023))
    assert parsed.days[0].date == dt.date(2022, 12, 31)
    parsed = parse_notice(notice_text(2024))
    assert len(parsed.warnings) == 1 and "除夕" in parsed.warnings[0]
    assert dt.date(2024, 2, 9) not in {d.date for d in parsed.days}


def test_half_width_dashes_and_one_line() -> None:
    text = (
        "国务院办公厅关于2026年部分节假日安排的通知 一、元旦:1月1日(星期四)-1月3日(星期六)"
        "放假调休,共3天。1月4日(星期日)上班。 二、春节:2月15日~23日放假调休，共9天。"
        "2月14日(周六),2月28日(周六)上班。"
    )
    parsed = parse_notice(text)
    assert parsed.ok, parsed.errors
    assert [d.day for d in parsed.sections[0].rest] == [1, 2, 3]
    assert parsed.sections[0].work == [dt.date(2026, 1, 4)]
    assert len(parsed.sections[1].rest) == 9
    assert parsed.sections[1].work == [dt.date(2026, 2, 14), dt.date(2026, 2, 28)]
    # The items left out are named, so the administrator sees the paste is incomplete.
    assert any("2026-10-01" in w for w in parsed.warnings)


def test_full_width_digits() -> None:
    parsed = parse_notice(
        "关于２０２６年部分节假日安排的通知\n一、元旦：１月１日（周四）至３日（周六）放假，共３天。"
    )
    assert parsed.ok, parsed.errors
    assert [d.date for d in parsed.days] == [dt.date(2026, 1, d) for d in (1, 2, 3)]


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("一、元旦：1月1日（周五）至3日（周六）放假，共3天。", "星期四"),
        ("一、元旦：1月1日至3日放假，共4天。", "共 4 天"),
        ("一、元旦：1月1日至3日放假，共3天。1月5日（周一）上班。", "只能是星期六或星期日"),
        ("一、元旦：1月1日至3日放假，共3天。1月3日（周六）上班。", "既是放假日又是上班日"),
        ("一、元旦：2月30日放假。", "没有这一天"),
        ("一、元旦：1月9日至1月2日放假。", "日期范围不对"),
        ("一、元旦：2028年1月1日放假。", "不在 2026 年度"),
        ("经国务院批准，现将有关安排通知如下。", "分项安排"),
    ],
)
def test_mistakes_are_errors_and_nothing_can_be_stored(body: str, error: str) -> None:
    parsed = parse_notice("国务院办公厅关于2026年部分节假日安排的通知\n" + body)
    assert not parsed.ok
    assert any(error in e for e in parsed.errors), parsed.errors


def test_no_year() -> None:
    parsed = parse_notice("一、元旦：1月1日至3日放假，共3天。")
    assert not parsed.ok and parsed.year is None and "年度" in parsed.errors[0]


def test_an_unknown_item_is_other_with_a_warning() -> None:
    parsed = parse_notice("关于2026年部分节假日安排的通知\n一、建城节：3月2日（周一）放假，共1天。")
    assert parsed.ok
    assert parsed.days[0].holiday == Holiday.OTHER
    assert any("建城节" in w for w in parsed.warnings)


def test_too_long() -> None:
    parsed = parse_notice("关于2026年部分节假日安排的通知" + "啊" * 20_001)
    assert not parsed.ok and "过长" in parsed.errors[0]

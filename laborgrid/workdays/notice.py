"""Reading the State Council's yearly holiday notice (国务院办公厅关于20XX年部分节假日安排的通知,
DOMAIN B7.1) as published, into the rest days and 调休 working days of the calendar.

The notice is pasted as text (from gov.cn or a reprint). Its arrangement is a numbered list, one
item per holiday (or two holidays joined, e.g. "六、国庆节、中秋节："), each with the days off
and the weekend days worked::

    一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
    二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。
    2月14日（周六）、2月28日（周六）上班。
    一、元旦：2022年12月31日至2023年1月2日放假调休，共3天。
    五、端午节：6月10日放假，与周末连休。

Accepted: full-width or half-width digits and punctuation, ranges with 至 / 到 / - / ～ and
across months or years, a month or year left out after the first date, weekday annotations
(周四, 星期四) and lunar ones (农历除夕), lists of working days joined by 、 or ，. Every
annotated weekday is checked against its date, every "共N天" against the days of the range, every
working day must be a weekend day: a mismatch is an error and nothing can be stored. A sentence
with a date that is neither a day off nor a working day (e.g. "鼓励……安排职工在除夕（2月9日）
休息") is reported as a warning, and so is a statutory holiday of the year that the notice leaves
out (全国年节及纪念日放假办法, ``laborgrid.lib.statutory_holidays``).

In an item that names two holidays, each day off takes the name of the holiday falling on it by
its rule (中秋 on 八月十五), the others the holiday with fixed dates (国庆节), as the published
calendars (``chinese-calendar``) name them.

No database: ``parse_notice(text)`` → ``ParsedNotice``; ``services.import_notice`` stores it.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from laborgrid.lib import lunar, statutory_holidays
from laborgrid.workdays.choices import DayKind, Holiday

#: Longest text accepted (a notice is about 1,500 characters).
MAX_TEXT = 20_000

_WEEKDAYS = "一二三四五六日"
_NUMERALS = "一二三四五六七八九十"

# Holiday names as notices write them → the calendar's code (longest first when matching).
_FESTIVALS: tuple[tuple[str, str], ...] = (
    ("元旦", Holiday.NEW_YEARS_DAY),
    ("春节", Holiday.SPRING_FESTIVAL),
    ("清明", Holiday.TOMB_SWEEPING_DAY),
    ("劳动节", Holiday.LABOUR_DAY),
    ("五一", Holiday.LABOUR_DAY),
    ("端午", Holiday.DRAGON_BOAT_FESTIVAL),
    ("中秋", Holiday.MID_AUTUMN_FESTIVAL),
    ("国庆", Holiday.NATIONAL_DAY),
    ("抗日战争", Holiday.ANTI_FASCIST_70TH_DAY),
    ("反法西斯", Holiday.ANTI_FASCIST_70TH_DAY),
)

# Holidays whose day is fixed by the moon or the sun: in a joint item, the day itself takes its name.
_MOVABLE: dict[str, Callable[[int], dt.date]] = {
    Holiday.SPRING_FESTIVAL: lunar.spring_festival,
    Holiday.TOMB_SWEEPING_DAY: lunar.qingming,
    Holiday.DRAGON_BOAT_FESTIVAL: lunar.dragon_boat_festival,
    Holiday.MID_AUTUMN_FESTIVAL: lunar.mid_autumn_festival,
}

_TITLE_YEAR = re.compile(r"关于\s*(\d{4})\s*年[^。\n]{0,12}?节假日安排")
_BODY_YEAR = re.compile(r"现将\s*(\d{4})\s*年")
_NUMBER = re.compile(r"国办发(?:明电)?\s*[〔\[(（]\s*\d{4}\s*[〕\])）]\s*\d+\s*号")
_SECTION = re.compile(
    rf"(?:^|(?<=[\s。；;]))([{_NUMERALS}]{{1,3}})\s*[、.．]\s*([^：:\n。]{{1,40}}?)\s*[：:]",
    re.MULTILINE,
)
_DATE = re.compile(
    r"(?:(?P<y>\d{4})\s*年\s*)?(?:(?P<m>\d{1,2})\s*月\s*)?(?P<d>\d{1,2})\s*日"
    r"(?:\s*\((?P<note>[^()]{0,40})\))?"
)
_RANGE_JOIN = re.compile(r"^\s*(?:至|到|-|~)\s*$")
_LIST_JOIN = re.compile(r"^\s*(?:、|,|和|及|与)?\s*$")
_COUNT = re.compile(r"(?:共|放假)\s*(\d{1,2})\s*天")
_WEEKDAY = re.compile(r"(?:周|星期|礼拜)([一二三四五六日天])")


@dataclass
class NoticeDay:
    date: dt.date
    kind: str  # DayKind
    holiday: str  # Holiday
    section: int  # index in ``ParsedNotice.sections``


@dataclass
class NoticeSection:
    number: str  # 一, 二 …
    title: str  # as written: 国庆节、中秋节
    holidays: tuple[str, ...]
    rest: list[dt.date] = field(default_factory=list)
    work: list[dt.date] = field(default_factory=list)

    @property
    def holiday_labels(self) -> str:
        return "、".join(str(Holiday(h).label) for h in self.holidays)


@dataclass
class ParsedNotice:
    year: int | None
    number: str  # 国办发明电〔2025〕7号, when the text carries it
    sections: list[NoticeSection]
    days: list[NoticeDay]
    warnings: list[str]
    errors: list[str]

    @property
    def ok(self) -> bool:
        """Fit to store: a year, at least one day, no error."""
        return self.year is not None and bool(self.days) and not self.errors

    @property
    def rest_days(self) -> list[NoticeDay]:
        return [d for d in self.days if d.kind == DayKind.REST]

    @property
    def work_days(self) -> list[NoticeDay]:
        return [d for d in self.days if d.kind == DayKind.WORK]

    @property
    def title(self) -> str:
        return _("国务院办公厅关于%(year)s年部分节假日安排的通知") % {"year": self.year}


def normalise(text: str) -> str:
    """Full-width digits and punctuation to ASCII (NFKC), dashes and tildes to ``-``/``~``."""
    text = unicodedata.normalize("NFKC", text or "")
    text = re.sub(r"[‐‑‒–—―−－]", "-", text)
    return text.replace("〜", "~").replace("～", "~").replace("\r", "\n")


def _festivals(title: str) -> tuple[str, ...]:
    found: list[tuple[int, str]] = []
    for name, code in _FESTIVALS:
        at = title.find(name)
        if at >= 0 and code not in (c for _at, c in found):
            found.append((at, code))
    return tuple(code for _at, code in sorted(found))


@dataclass
class _Token:
    date: dt.date | None
    note: str
    start: int
    end: int
    raw: str
    explicit_year: bool = False


def _tokens(sentence: str, year: int, errors: list[str]) -> list[_Token]:
    """The dates of a sentence; a month or year left out is the previous date's."""
    tokens: list[_Token] = []
    cur_year, cur_month = year, None
    for m in _DATE.finditer(sentence):
        if m.group("y"):
            cur_year = int(m.group("y"))
        if m.group("m"):
            cur_month = int(m.group("m"))
        raw = m.group(0)
        if cur_month is None:
            errors.append(_("“%(text)s”：日期缺少月份。") % {"text": raw})
            tokens.append(_Token(None, "", m.start(), m.end(), raw))
            continue
        try:
            day = dt.date(cur_year, cur_month, int(m.group("d")))
        except ValueError:
            errors.append(_("“%(text)s”：没有这一天。") % {"text": raw})
            tokens.append(_Token(None, "", m.start(), m.end(), raw))
            continue
        tokens.append(
            _Token(day, m.group("note") or "", m.start(), m.end(), raw, bool(m.group("y")))
        )
    return tokens


def _weekday(index: int) -> str:
    """一 … 日 (Monday … Sunday) in the reader's language: Mon … Sun in English."""
    return pgettext("weekday", _WEEKDAYS[index])


def _check_weekday(token: _Token, errors: list[str]) -> None:
    m = _WEEKDAY.search(token.note)
    if token.date is None or m is None:
        return
    written = 6 if m.group(1) in "日天" else _WEEKDAYS.index(m.group(1))
    if written != token.date.weekday():
        errors.append(
            _("“%(text)s”：%(date)s 是星期%(actual)s，通知写的是星期%(written)s。")
            % {
                "text": token.raw,
                "date": token.date.isoformat(),
                "actual": _weekday(token.date.weekday()),
                "written": _weekday(written),
            }
        )


def _dates(sentence: str, tokens: list[_Token], errors: list[str]) -> list[dt.date]:
    """The days a sentence names: single dates, lists, inclusive ranges."""
    days: list[dt.date] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if nxt is not None and _RANGE_JOIN.match(sentence[tok.end : nxt.start]):
            if tok.date is not None and nxt.date is not None:
                if nxt.date < tok.date or (nxt.date - tok.date).days > 40:
                    errors.append(
                        _("“%(text)s”：日期范围不对。") % {"text": sentence[tok.start : nxt.end]}
                    )
                else:
                    span = (nxt.date - tok.date).days
                    days.extend(tok.date + dt.timedelta(days=n) for n in range(span + 1))
            i += 2
            continue
        if tok.date is not None:
            days.append(tok.date)
        i += 1
    return days


def _sentences(body: str) -> list[str]:
    return [s.strip() for s in re.split(r"[。；;\n]+", body) if s.strip()]


def _name_day(day: dt.date, holidays: tuple[str, ...]) -> str:
    """The holiday a day of an item belongs to (see the module docstring)."""
    if not holidays:
        return Holiday.OTHER
    if len(holidays) == 1:
        return holidays[0]
    for code in holidays:
        rule = _MOVABLE.get(code)
        if rule is not None:
            try:
                if rule(day.year) == day:
                    return code
            except (KeyError, ValueError):
                continue
    return _work_name(holidays)


def _work_name(holidays: tuple[str, ...]) -> str:
    """A working day of a joint item is named after the holiday with fixed dates (国庆节)."""
    if not holidays:
        return Holiday.OTHER
    fixed = [c for c in holidays if c not in _MOVABLE]
    return fixed[0] if fixed else holidays[0]


def parse_notice(text: str) -> ParsedNotice:
    """Read a pasted notice; see the module docstring. Never raises on bad text: the problems
    are in ``errors`` (nothing may be stored) and ``warnings`` (shown for confirmation)."""
    errors: list[str] = []
    warnings: list[str] = []
    if len(text or "") > MAX_TEXT:
        return ParsedNotice(
            None,
            "",
            [],
            [],
            [],
            [_("文本过长（超过 %(n)s 字），请只粘贴通知正文。") % {"n": MAX_TEXT}],
        )
    norm = normalise(text)
    number_match = _NUMBER.search(norm)
    number = re.sub(r"\s+", "", number_match.group(0)) if number_match else ""
    year_match = _TITLE_YEAR.search(norm) or _BODY_YEAR.search(norm)
    year = int(year_match.group(1)) if year_match else None
    if year is None:
        errors.append(
            _(
                "找不到通知所属年度：请连同标题“国务院办公厅关于20XX年部分节假日安排的通知”"
                "或“现将20XX年……”一句一起粘贴。"
            )
        )
        return ParsedNotice(None, number, [], [], warnings, errors)
    if not 1949 <= year <= 2200:
        errors.append(_("年度 %(year)s 超出范围。") % {"year": year})
        return ParsedNotice(None, number, [], [], warnings, errors)

    heads = list(_SECTION.finditer(norm))
    heads = [h for h in heads if _festivals(h.group(2)) or "节" in h.group(2)]
    sections: list[NoticeSection] = []
    days: dict[dt.date, NoticeDay] = {}
    counted: dict[dt.date, str] = {}
    for index, head in enumerate(heads):
        body_end = heads[index + 1].start() if index + 1 < len(heads) else len(norm)
        body = norm[head.end() : body_end]
        title = head.group(2).strip()
        holidays = _festivals(title)
        section = NoticeSection(head.group(1), title, holidays)
        if not holidays:
            warnings.append(
                _("第%(n)s项“%(title)s”不是法定节假日的名称，按“其他”录入。")
                % {"n": head.group(1), "title": title}
            )
        for sentence in _sentences(body):
            local_errors: list[str] = []
            tokens = _tokens(sentence, year, local_errors)
            for tok in tokens:
                _check_weekday(tok, local_errors)
            dates = _dates(sentence, tokens, local_errors)
            if "放假" in sentence and tokens:
                kind = DayKind.REST
            elif "上班" in sentence and tokens:
                kind = DayKind.WORK
            else:
                # The signature's date of issue (2025年11月4日) is not an arrangement either.
                signature = all(t.explicit_year for t in tokens) and "休" not in sentence
                if tokens and not signature:
                    warnings.append(
                        _("第%(n)s项中的“%(text)s”不是放假或上班安排，未录入。")
                        % {"n": head.group(1), "text": sentence}
                    )
                continue
            errors.extend(local_errors)
            if kind == DayKind.REST:
                count = _COUNT.search(sentence)
                if count and int(count.group(1)) != len(set(dates)):
                    errors.append(
                        _("“%(text)s”：写明共 %(n)s 天，日期范围是 %(m)s 天。")
                        % {"text": sentence, "n": count.group(1), "m": len(set(dates))}
                    )
            for day in dates:
                if not (dt.date(year - 1, 12, 1) <= day <= dt.date(year + 1, 1, 31)):
                    errors.append(
                        _("%(date)s 不在 %(year)s 年度的安排之内。")
                        % {"date": day.isoformat(), "year": year}
                    )
                    continue
                if kind == DayKind.WORK and day.weekday() < 5:
                    errors.append(
                        _("%(date)s 是星期%(wd)s，本来就上班：调休上班日只能是星期六或星期日。")
                        % {"date": day.isoformat(), "wd": _weekday(day.weekday())}
                    )
                    continue
                previous = counted.get(day)
                if previous is not None and previous != kind:
                    errors.append(_("%(date)s 既是放假日又是上班日。") % {"date": day.isoformat()})
                    continue
                counted[day] = kind
                (section.rest if kind == DayKind.REST else section.work).append(day)
                name = _name_day(day, holidays) if kind == DayKind.REST else _work_name(holidays)
                days[day] = NoticeDay(day, kind, name, len(sections))
        sections.append(section)

    # The preamble (title, number, addressees) carries no arrangement.
    if not heads:
        errors.append(_("没有找到“一、元旦：……”这样的分项安排：请粘贴通知正文的全部条目。"))

    if not days and not errors:
        errors.append(_("没有读出任何放假或上班日期。"))
    statutory = statutory_holidays.statutory_days(year)
    if statutory and days:
        missing = [d for d in sorted(statutory) if counted.get(d) != DayKind.REST]
        for day in missing:
            warnings.append(
                _("法定节假日 %(date)s（%(name)s）不在通知的放假日之内，请核对是否粘贴完整。")
                % {"date": day.isoformat(), "name": Holiday(statutory[day]).label}
            )
    return ParsedNotice(
        year,
        number,
        sections,
        [days[d] for d in sorted(days)],
        warnings,
        list(dict.fromkeys(errors)),
    )

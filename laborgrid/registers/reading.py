"""Open a department register file and stream its rows (issue 4: files as offices send them).

:func:`open_register` takes a path or a seekable binary file (a Django upload) and returns a
:class:`RegisterFile` that knows the format, the text encoding and delimiter of a CSV, the header
row and the column headers, and streams the data rows one at a time with low, constant memory for
CSV (an Excel sheet is held by python-calamine, which loads a sheet whole, in Rust memory; an XLSX
larger than :data:`STREAM_XLSX_BYTES` is read row by row through openpyxl's read-only mode).

* **Format by content**, not by the file name: a ZIP holding ``xl/workbook.xml`` is XLSX, an OLE2
  compound file (``D0 CF 11 E0``) is XLS, anything else must be delimited text. "Excel" files that
  are really web pages or XML Spreadsheet 2003 (what many web systems export as ``.xls``) are
  recognised and refused with advice; other binary files are refused.
* **Encoding detected**, never asked: a BOM decides (UTF-8, UTF-16, UTF-32); otherwise the first
  64 KB (more if they are pure ASCII) are decoded as UTF-8 with an incremental decoder — so a
  character cut by the sample's end is not an error — and failing that the file is GB18030, the
  superset of GBK and GB2312 that Chinese Excel writes. Bytes that do not decode later in the file
  become U+FFFD, and :func:`~laborgrid.registers.normalise.clean_text` rejects the row holding
  them: one bad row never refuses the file.
* **Delimiter sniffed** among ``,`` ``\\t`` ``;`` ``|``: the one that splits the most sample rows
  into the same number of fields. Quoted fields may hold delimiters and newlines (the ``csv``
  module reads a decoded stream opened with ``newline=""``).
* **Header detected** below title rows (``大方县市场主体登记信息导出``, ``导出时间：...``, blank
  rows): among the first :data:`HEADER_SCAN_ROWS` rows, the one naming the most known fields
  (at least 2) by the presets' aliases; failing that, the first row of at least two short text
  cells.

Row numbers are 1-based and are what a person sees: Excel's row number, or for delimited text
the line a text editor shows where the record *starts* (a record with a quoted newline spans
several lines; the next record's number accounts for them). Blank rows are skipped but counted.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import itertools
import os
import queue
import signal
import threading
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Final, Generic, Literal, TypeVar, cast

from django.core.files import File
from django.utils import translation
from django.utils.translation import gettext

from laborgrid.core.text import enumeration
from laborgrid.core.uploads import UnsafeWorkbook, check_workbook
from laborgrid.lib.zipguard import ZipLimits
from laborgrid.registers.normalise import Cell
from laborgrid.registers.presets import Preset, header_score

T = TypeVar("T")

__all__ = [
    "DELIMITERS",
    "HEADER_SCAN_ROWS",
    "FileFormat",
    "ReadAhead",
    "RegisterFile",
    "RegisterFileError",
    "open_register",
]

FileFormat = Literal["csv", "xlsx", "xls"]

#: The header is looked for in this many rows from the top.
HEADER_SCAN_ROWS: Final = 20
#: Bytes sampled to detect the encoding and the delimiter.
SAMPLE_BYTES: Final = 64 * 1024
#: A pure-ASCII sample says nothing about the encoding: read on up to this far for Chinese.
ASCII_SCAN_LIMIT: Final = 4 * 1024 * 1024
DELIMITERS: Final = (",", "\t", ";", "|")
#: A record spanning more lines than this has a quote that never closed, not a long address.
MAX_RECORD_LINES: Final = 100
#: A header cell longer than this is not a header (it is a title or a data value).
_HEADER_CELL_MAX: Final = 30

_ZIP_MAGIC: Final = b"PK\x03\x04"
_OLE2_MAGIC: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_BINARY_MAGIC: Final = (
    (b"%PDF", "PDF"),
    (b"\x89PNG", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF8", "GIF"),
    (b"Rar!", "RAR"),
    (b"7z\xbc\xaf", "7z"),
    (b"\x1f\x8b", "gzip"),
    (b"{\\rtf", "RTF"),
    (b"PK\x05\x06", "ZIP"),
)
#: Control characters that never occur in a text export (tab, newline, CR excepted).
_CONTROL: Final = frozenset(map(chr, (*range(0, 9), 11, 12, *range(14, 32), 127)))


class RegisterFileError(ValueError):
    """The file as a whole cannot be read. ``message`` is translated; ``code`` is for programs:
    ``empty``, ``binary``, ``web_page``, ``encoding``, ``corrupt``, ``not_excel``, ``password``,
    ``sheet``, ``no_header``, ``csv``."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def __reduce__(self) -> tuple[Any, ...]:
        # Raised in the reading process (ReadAheadProcess), raised again in the importer's.
        return (_register_file_error, (self.message, self.code))


def _register_file_error(message: str, code: str) -> RegisterFileError:
    return RegisterFileError(message, code=code)


#: A path, a seekable binary file, or a Django upload (``UploadedFile`` proxies its file).
Source = str | os.PathLike[str] | IO[bytes] | File


class UnreadableRecord(list[Any]):
    """A delimited-text record the ``csv`` module could not read (a cell over its size limit, a
    stray quote): the rows before and after it are read as usual; this one is rejected with
    ``reason`` (issue 21 item 10: one bad row refused the whole file, in Python's words)."""

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason


def _record_error(exc: csv.Error, start: int, end: int) -> str:
    rows = str(start) if end <= start else f"{start}–{end}"
    if "field larger than field limit" in str(exc):
        return gettext(
            "第 %(rows)s 行无法读取：一个单元格超过 %(kb)s KB（常见原因是引号不配对或整段文字"
            "粘贴进了一个单元格），该行未导入，其余行照常处理"
        ) % {"rows": rows, "kb": f"{csv.field_size_limit() // 1024:,}"}
    return gettext(
        "第 %(rows)s 行无法按 CSV 读取（常见原因是引号不配对），该行未导入，其余行照常处理"
    ) % {"rows": rows}


class _Binary:
    """A binary stream on ``source`` that is closed only if we opened it."""

    def __init__(self, source: Source) -> None:
        if isinstance(source, str | os.PathLike):
            self.path: Path | None = Path(source)
            self.file: IO[bytes] = open(source, "rb")  # noqa: SIM115 -- closed in close()
            self.owned = True
        else:
            if not (hasattr(source, "seekable") and source.seekable()):
                raise TypeError("open_register needs a path or a seekable binary file")
            self.path = None
            self.file = cast(IO[bytes], source)
            self.owned = False
            self.file.seek(0)

    def size(self) -> int:
        position = self.file.tell()
        self.file.seek(0, os.SEEK_END)
        size = self.file.tell()
        self.file.seek(position)
        return size

    def close(self) -> None:
        if self.owned:
            self.file.close()


# --------------------------------------------------------------------------- detection


def _detect_format(head: bytes) -> FileFormat:
    if not head:
        raise RegisterFileError(gettext("文件是空的"), code="empty")
    if head.startswith(_ZIP_MAGIC):
        return "xlsx"
    if head.startswith(_OLE2_MAGIC):
        return "xls"
    for magic, kind in _BINARY_MAGIC:
        if head.startswith(magic):
            raise RegisterFileError(
                gettext("这是 %(kind)s 文件，不是登记表。请上传 CSV、XLSX 或 XLS 文件")
                % {"kind": kind},
                code="binary",
            )
    return "csv"


def _check_zip(file: IO[bytes]) -> None:
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, EOFError):
        raise _corrupt() from None
    finally:
        file.seek(0)
    if "xl/workbook.xml" not in names:
        raise RegisterFileError(
            gettext(
                "这是 ZIP 压缩包或其他 Office 文档，不是 Excel 工作簿。请解压或另存为 .xlsx 后上传"
            ),
            code="not_excel",
        )


def _corrupt() -> RegisterFileError:
    return RegisterFileError(
        gettext("无法读取这个 Excel 文件，文件可能已损坏。请用 Excel 打开后另存为 .xlsx 再上传"),
        code="corrupt",
    )


def _bom_encoding(head: bytes) -> str | None:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return None


def _decode(sample: bytes, encoding: str, final: bool, errors: str = "strict") -> str:
    """Decode a sample; a multi-byte character cut at its end is not an error."""
    return codecs.getincrementaldecoder(encoding)(errors).decode(sample, final=final)


def _guess_encoding(probe: bytes, final: bool) -> str:
    try:
        _decode(probe, "utf-8", final)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    # A UTF-8 file with a few stray bytes is still UTF-8 (the rows holding them are rejected);
    # GBK read as UTF-8 gives a replacement character every few bytes.
    loose = _decode(probe, "utf-8", final, "replace")
    if loose.count("\ufffd") <= 3 and sum(not c.isascii() for c in loose) >= 50:
        return "utf-8"
    try:
        _decode(probe, "gb18030", final)
        return "gb18030"
    except UnicodeDecodeError:
        pass
    # Likewise a GBK file with a bad row or two in its first 64 KB is GBK (issue 21 item 10: the
    # whole file was refused): those rows are rejected, the rest is read.
    loose = _decode(probe, "gb18030", final, "replace")
    if (
        loose.count("\ufffd") <= max(3, len(loose) // 2000)
        and sum("\u4e00" <= c <= "\u9fff" for c in loose) >= 20
    ):
        return "gb18030"
    raise RegisterFileError(
        gettext("无法识别文件的文字编码（支持 UTF-8、GBK/GB18030、UTF-16）"), code="encoding"
    )


def _binary_file() -> RegisterFileError:
    return RegisterFileError(
        gettext("这是二进制文件，不是登记表。请上传 CSV、XLSX 或 XLS 文件"), code="binary"
    )


def _detect_encoding(file: IO[bytes]) -> tuple[str, str]:
    """(encoding, the decoded first 64 KB) of a text file positioned at 0; rewinds it."""
    try:
        head = file.read(SAMPLE_BYTES)
        final = len(head) < SAMPLE_BYTES
        encoding = _bom_encoding(head)
        if encoding is None:
            if b"\x00" in head:
                raise _binary_file()
            probe, probe_final, read = head, final, len(head)
            # Pure ASCII says nothing: find the first chunk with other bytes, from a line start
            # (a newline byte is never part of a GBK or UTF-8 multi-byte character).
            while probe.isascii() and not probe_final and read < ASCII_SCAN_LIMIT:
                chunk = file.read(SAMPLE_BYTES)
                read += len(chunk)
                probe_final = len(chunk) < SAMPLE_BYTES
                if b"\x00" in chunk:
                    raise _binary_file()
                if not chunk.isascii():
                    probe = chunk[chunk.find(b"\n") + 1 :]
            encoding = _guess_encoding(probe, probe_final)
        return encoding, _decode(head, encoding, final, "replace")
    finally:
        file.seek(0)


def _check_text(sample: str) -> None:
    start = sample.lstrip("\ufeff \t\r\n")[:200].lower()
    if start.startswith(("<!doctype html", "<html", "<table", "<?xml", "<meta", "<head")):
        raise RegisterFileError(
            gettext(
                "这个文件是网页或 XML 格式（常见于系统导出的“Excel”），不是真正的 Excel 文件。"
                "请用 Excel 打开后另存为 .xlsx 再上传"
            ),
            code="web_page",
        )
    if sample and sum(c in _CONTROL for c in sample) > max(8, len(sample) // 100):
        raise _binary_file()


def _sniff_delimiter(sample: str) -> str:
    """The delimiter that splits the most sample rows into one common field count (> 1)."""
    cut = max(sample.rfind("\n"), sample.rfind("\r"))
    text = sample[:cut] if cut > 0 else sample
    best, best_score = ",", 0
    for delimiter in DELIMITERS:
        counts: dict[int, int] = {}
        try:
            for i, record in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter)):
                if i >= 200:
                    break
                if len(record) > 1:
                    counts[len(record)] = counts.get(len(record), 0) + 1
        except csv.Error:
            continue
        if counts:
            width, rows = max(counts.items(), key=lambda item: (item[1], item[0]))
            score = rows * 1000 + width
            if score > best_score:
                best, best_score = delimiter, score
    return best


def _unclosed_quote(start: int, end: int) -> RegisterFileError:
    return RegisterFileError(
        gettext(
            "从第 %(start)s 行开始的引号没有配对，第 %(start)s–%(end)s 行被读成了一个单元格。"
            "请检查该行的双引号"
        )
        % {"start": start, "end": end},
        code="csv",
    )


# --------------------------------------------------------------------------- cells


def _excel_cell(value: Any) -> Cell:
    """Whole floats become ints when exact (Excel stores 20150307 as 20150307.0). Excel keeps
    15 significant digits, so a float of 1e15 or more stays a float: the code normalisers
    report it as a number that lost its last digits."""
    if type(value) is float and value.is_integer() and -1e15 < value < 1e15:
        return int(value)
    return value


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _row_blank(cells: list[Any]) -> bool:
    return all(map(_empty, cells))


def _header_text(value: Cell) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date | time | timedelta):
        return str(value)
    return " ".join(str(value).split()) if value is not None else ""


def _is_header_like(cells: list[Any]) -> bool:
    filled = [c for c in cells if not _empty(c)]
    return len(filled) >= 2 and all(
        isinstance(c, str) and len(c.strip()) <= _HEADER_CELL_MAX and not c.strip().isdigit()
        for c in filled
    )


def _find_header(records: list[tuple[int, list[Any]]], preset: Preset | None) -> int | None:
    """Index into ``records`` of the header row, or ``None``."""
    best: tuple[int, int] | None = None
    for i, (_number, cells) in enumerate(records):
        score = header_score(cells, preset)
        if score >= 2 and (best is None or score > best[0]):
            best = (score, i)
    if best is not None:
        return best[1]
    for i, (_number, cells) in enumerate(records):
        if _is_header_like(cells):
            return i
    return None


def _unique_headers(cells: list[Any]) -> list[str]:
    """Header labels, distinct: blank ones named by column, repeats suffixed by column."""
    texts = [_header_text(c) for c in cells]
    while texts and not texts[-1]:
        texts.pop()
    seen: set[str] = set()
    labels: list[str] = []
    for column, text in enumerate(texts, start=1):
        label = text or gettext("第%(n)s列") % {"n": column}
        if label in seen:
            label = gettext("%(header)s（第%(n)s列）") % {"header": label, "n": column}
        seen.add(label)
        labels.append(label)
    return labels


# --------------------------------------------------------------------------- the file


#: An XLSX file larger than this is read row by row (openpyxl's read-only mode, bounded memory)
#: instead of whole (python-calamine, about five times faster but holding the sheet in memory:
#: ~1.2 GB for a million rows of ten columns). 16 MB is about 400,000 such rows.
STREAM_XLSX_BYTES = 16 * 1024 * 1024
#: python-calamine holds a sheet whole: a small file whose parts expand beyond this is streamed
#: instead (the declared sizes, verified by inflating in bounded steps, decide).
CALAMINE_MAX_XML_BYTES = 256 * 1024 * 1024
#: Decompression-bomb bounds for register workbooks (``laborgrid.lib.zipguard``): a file of up to
#: 1 GB, parts compressed at most 100 times (ordinary sheets: 5–20).
ZIP_LIMITS = ZipLimits()
MIDNIGHT = time(0)


@dataclass(frozen=True)
class _SheetMeta:
    name: str
    visible: bool


class _StreamingSheet:
    """One worksheet read row by row, shaped like python-calamine's sheet for
    :class:`RegisterFile`: ``start`` (None when empty), ``height`` and ``iter_rows()`` from
    Excel's row 1, over the used columns only."""

    def __init__(self, sheet: Any) -> None:
        self._sheet = sheet
        # The height the file declares (``A1:J200001``; absent in some writers' files: then
        # unknown). An empty sheet shows as blank rows.
        self.start = (1, 1)
        self.height = int(sheet.max_row or 0)

    def iter_rows(self) -> Iterator[list[Any]]:
        rows = self._sheet.iter_rows(values_only=True)
        # Writers often declare column A used when it only holds empty cells; like calamine's
        # used range, leading columns that are empty in the rows a header is looked for in are
        # left out (read ahead, then replayed).
        head = list(itertools.islice(rows, HEADER_SCAN_ROWS))
        filled = [next((i for i, v in enumerate(values) if not _empty(v)), None) for values in head]
        skip = min((i for i in filled if i is not None), default=0)
        for values in itertools.chain(head, rows):
            row = list(values[skip:])
            for i, value in enumerate(row):
                # Dates come back as midnight date-times; a register's dates are days.
                if type(value) is datetime and value.time() == MIDNIGHT:
                    row[i] = value.date()
            yield row


class _StreamingWorkbook:
    """A large XLSX opened with openpyxl in read-only mode (see :data:`STREAM_XLSX_BYTES`)."""

    def __init__(self, file: IO[bytes]) -> None:
        import openpyxl

        file.seek(0)
        self._book = openpyxl.load_workbook(file, read_only=True, data_only=True)
        self.sheet_names = list(self._book.sheetnames)
        self.sheets_metadata = [
            _SheetMeta(ws.title, getattr(ws, "sheet_state", "visible") == "visible")
            for ws in self._book.worksheets
        ]

    def get_sheet_by_name(self, name: str) -> _StreamingSheet:
        return _StreamingSheet(self._book[name])

    def close(self) -> None:
        self._book.close()


class RegisterFile:
    """An opened register: its format, header and a stream of data rows.

    Attributes: ``format`` (``"csv"``, ``"xlsx"``, ``"xls"``); ``encoding`` and ``delimiter``
    (CSV only, else ``None``); ``sheet_name`` (Excel only); ``header_row`` (1-based row number of
    the header, as a person sees it); ``headers`` (distinct labels, one per column: the header as
    written, or ``第N列`` for a blank one and ``电话（第9列）`` for a repeated one);
    ``title_rows`` (the non-blank rows above the header, as text, for a preview).

    Use as a context manager, or call :meth:`close`.
    """

    format: FileFormat
    encoding: str | None
    delimiter: str | None
    sheet_name: str | None
    header_row: int
    headers: list[str]
    title_rows: list[str]
    _header_index: int

    def __init__(
        self,
        source: Source,
        *,
        sheet: str | None = None,
        preset: Preset | None = None,
        stream: bool | None = None,
    ):
        self._stream = stream
        self._binary = _Binary(source)
        self._sheet: Any = None
        self._book: Any = None
        self.encoding = self.delimiter = self.sheet_name = None
        try:
            head = self._binary.file.read(SAMPLE_BYTES)
            self._binary.file.seek(0)
            self.format = _detect_format(head)
            if self.format == "csv":
                self.encoding, sample = _detect_encoding(self._binary.file)
                _check_text(sample)
                self.delimiter = _sniff_delimiter(sample)
            else:
                self._open_excel(sheet, preset)
            records = []
            for record in self._records():
                records.append(record)
                if len(records) >= HEADER_SCAN_ROWS:
                    break
            self._locate_header(records, preset)
        except BaseException:
            self.close()
            raise

    # -- public ---------------------------------------------------------------------------

    def rows(self) -> Iterator[tuple[int, list[Cell]]]:
        """``(row_number, cells)`` for every non-blank row below the header.

        ``cells`` has one value per header; a short row is padded with ``""``. A row with
        non-blank cells *beyond* the header keeps them: ``len(cells) > len(headers)`` tells the
        caller (the row normaliser rejects such a row: its columns are probably shifted). Empty
        cells are ``""``. Can be called again to read the rows again.
        """
        width = len(self.headers)
        skip = self._header_index + 1
        excel = self.format != "csv"
        for number, cells in self._records():
            if skip:
                skip -= 1
                continue
            if isinstance(cells, UnreadableRecord):
                yield number, cells
                continue
            if excel:
                if _row_blank(cells):
                    continue
                cells = [_excel_cell(c) for c in cells]
            elif not any(cells) or not "".join(cells).strip():
                continue
            if len(cells) < width:
                cells.extend([""] * (width - len(cells)))
            elif len(cells) > width and _row_blank(cells[width:]):
                del cells[width:]
            yield number, cells

    def estimated_rows(self) -> int:
        """About how many data rows the file has (for a progress bar): the sheet's height, or
        the CSV's line count, less the rows down to the header. Blank rows and quoted line
        breaks make it a little high; never read as a row count."""
        if self.format != "csv":
            height = self._sheet.height if self._sheet is not None else 0
            return max(0, int(height) - self.header_row)
        file = self._binary.file
        position = file.tell()
        file.seek(0)
        lines = 0
        newline = "\n".encode(self.encoding or "utf-8")
        if self.encoding and self.encoding.lower().startswith("utf-16"):
            newline = "\n".encode("utf-16-le" if "be" not in self.encoding.lower() else "utf-16-be")
        for block in iter(lambda: file.read(1 << 20), b""):
            lines += block.count(newline)
        file.seek(position)
        return max(0, lines - self.header_row)

    def close(self) -> None:
        """Release the file (and the workbook)."""
        self._sheet = None
        if self._book is not None:
            # Closing twice raises WorkbookClosed; there is nothing left to release then.
            with contextlib.suppress(Exception):
                self._book.close()
            self._book = None
        self._binary.close()

    def __enter__(self) -> RegisterFile:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        header_row = getattr(self, "header_row", None)
        return (
            f"<RegisterFile {getattr(self, 'format', '?')} encoding={self.encoding} "
            f"delimiter={self.delimiter!r} sheet={self.sheet_name!r} header_row={header_row}>"
        )

    # -- reading --------------------------------------------------------------------------

    def _records(self) -> Iterator[tuple[int, list[Any]]]:
        if self.format == "csv":
            return self._csv_records()
        return self._excel_records()

    def _csv_records(self) -> Iterator[tuple[int, list[Any]]]:
        file = self._binary.file
        file.seek(0)
        assert self.encoding is not None and self.delimiter is not None  # noqa: S101
        text = io.TextIOWrapper(file, encoding=self.encoding, errors="replace", newline="")
        reader = csv.reader(text, delimiter=self.delimiter, strict=False)
        line = 0
        pending: tuple[int, list[str]] | None = None
        try:
            # One record of lookahead: a quote left open swallows the rest of the file into the
            # last record, which is only known to be the last when the reader stops.
            records = iter(reader)
            while True:
                start = line + 1
                try:
                    record = next(records)
                except StopIteration:
                    break
                except csv.Error as exc:
                    # The reader drops the record and goes on with the next line.
                    line = reader.line_num
                    if pending is not None:
                        yield pending
                        pending = None
                    yield start, UnreadableRecord(_record_error(exc, start, line))
                    continue
                line = reader.line_num
                if line - start >= MAX_RECORD_LINES:
                    raise _unclosed_quote(start, line)
                if pending is not None:
                    yield pending
                pending = (start, record)
            if pending is not None:
                start, record = pending
                if line > start and record and record[-1].endswith(("\n", "\r")):
                    raise _unclosed_quote(start, line)
                yield pending
        finally:
            # Do not let the wrapper close a file the caller owns (it may be closed already
            # when an abandoned generator is collected).
            with contextlib.suppress(ValueError):
                text.detach()

    def _excel_records(self) -> Iterator[tuple[int, list[Any]]]:
        if self._sheet is None or self._sheet.start is None:
            return
        # iter_rows yields the sheet from row 1 (blank rows above the data included), so the
        # position is Excel's row number.
        yield from enumerate(self._sheet.iter_rows(), start=1)

    def _open_excel(self, sheet: str | None, preset: Preset | None) -> None:
        from python_calamine import CalamineError, CalamineWorkbook, PasswordError

        stream = False
        if self.format == "xlsx":
            _check_zip(self._binary.file)
            stream = (
                self._stream
                if self._stream is not None
                else self._binary.size() > STREAM_XLSX_BYTES
            )
            try:
                # Before any reader opens it: declared sizes and ratios (a streaming reader stops
                # at the declared size); for python-calamine, which holds the sheet whole, the
                # real sizes too, and a large one is streamed instead.
                report = check_workbook(self._binary.file, ZIP_LIMITS, verify=not stream)
            except UnsafeWorkbook as exc:
                raise RegisterFileError(exc.message, code="zip_bomb") from None
            stream = stream or report.declared > CALAMINE_MAX_XML_BYTES
        try:
            if stream:
                self._book = _StreamingWorkbook(self._binary.file)
            elif self._binary.path is not None:
                self._book = CalamineWorkbook.from_path(str(self._binary.path))
            else:
                self._book = CalamineWorkbook.from_filelike(self._binary.file)
            names = list(self._book.sheet_names)
            if sheet is not None:
                if sheet not in names:
                    raise RegisterFileError(
                        gettext("工作簿中没有名为“%(sheet)s”的工作表，现有：%(names)s")
                        % {"sheet": sheet, "names": enumeration(names)},
                        code="sheet",
                    )
                self.sheet_name = sheet
                self._sheet = self._book.get_sheet_by_name(sheet)
                return
            self._pick_sheet(preset)
        except RegisterFileError:
            raise
        except PasswordError:
            raise RegisterFileError(
                gettext("文件设有打开密码，请取消密码后再上传"), code="password"
            ) from None
        except (CalamineError, ValueError, OSError, IndexError, KeyError, zipfile.BadZipFile):
            raise _corrupt() from None

    def _pick_sheet(self, preset: Preset | None) -> None:
        """The first visible sheet with a recognisable header, else the first non-empty one."""
        from python_calamine import SheetTypeEnum, SheetVisibleEnum

        fallback = None
        for meta in self._book.sheets_metadata:
            if isinstance(self._book, _StreamingWorkbook):
                if not meta.visible:
                    continue
            elif meta.visible != SheetVisibleEnum.Visible or meta.typ != SheetTypeEnum.WorkSheet:
                continue
            candidate = self._book.get_sheet_by_name(meta.name)
            if candidate.start is None:
                continue
            self._sheet, self.sheet_name = candidate, meta.name
            head = []
            for record in self._excel_records():
                head.append(record)
                if len(head) >= HEADER_SCAN_ROWS:
                    break
            if any(header_score(cells, preset) >= 2 for _n, cells in head):
                return
            if fallback is None:
                fallback = (candidate, meta.name)
        if fallback is None:
            raise RegisterFileError(gettext("文件是空的：工作簿中没有数据"), code="empty")
        self._sheet, self.sheet_name = fallback

    def _locate_header(self, records: list[tuple[int, list[Any]]], preset: Preset | None) -> None:
        if not any(not _row_blank(list(cells)) for _n, cells in records):
            raise RegisterFileError(gettext("文件是空的"), code="empty")
        index = _find_header(records, preset)
        if index is None:
            raise RegisterFileError(
                gettext(
                    "在前 %(n)s 行中找不到表头。表头应是一行列名，如“统一社会信用代码”“企业名称”“住所”"
                )
                % {"n": HEADER_SCAN_ROWS},
                code="no_header",
            )
        self._header_index = index
        self.header_row, header_cells = records[index]
        self.headers = _unique_headers(list(header_cells))
        self.title_rows = [
            " ".join(t for t in map(_header_text, cells) if t)
            for _n, cells in records[:index]
            if not _row_blank(list(cells))
        ]


def open_register(
    source: Source,
    *,
    sheet: str | None = None,
    preset: Preset | None = None,
    stream: bool | None = None,
) -> RegisterFile:
    """Open a register file (path or seekable binary file) and find its header.

    ``sheet`` names the Excel sheet to read (default: the first visible sheet with a
    recognisable header). ``preset`` narrows header detection to one source's aliases (default:
    all presets). ``stream=True`` reads an XLSX row by row whatever its size: the web process
    reads only headers, and must not load a whole sheet for them (default: by size). Raises
    :class:`RegisterFileError` for a file that cannot be read as a register, including an XLSX
    refused as a decompression bomb (code ``zip_bomb``).
    """
    return RegisterFile(source, sheet=sheet, preset=preset, stream=stream)


class ReadAhead(Generic[T]):
    """Iterate ``source`` in a thread of its own, at most ``depth`` items ahead of the consumer.

    Where the system cannot fork, a register import reads and normalises the next chunk of rows
    here while the database writes the current one: the thread runs while the importer waits for
    the database (psycopg and sqlite3 let other threads run meanwhile). It runs less than that
    suggests: sqlite3 lets go of the interpreter for each row it writes and takes it back at
    once, before a waiting thread is woken, so :class:`ReadAheadProcess` is used where it can
    be. The thread translates under the caller's language. An exception in ``source`` is
    raised to the consumer at the item where it happened; :meth:`close` (also on leaving a
    ``with`` block) stops the thread and closes ``source``, so the file can be closed after it.
    ``source`` must not use the database: in another thread Django would open a second
    connection, outside the consumer's transaction."""

    def __init__(self, source: Iterator[T], depth: int = 1) -> None:
        self._source = source
        self._queue: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._done = False
        self._thread = threading.Thread(
            target=self._fill, args=(translation.get_language(),), daemon=True
        )
        self._thread.start()

    def _fill(self, language: str | None) -> None:
        try:
            with translation.override(language):
                for item in self._source:
                    if not self._put(("item", item)):
                        return
        except BaseException as exc:  # handed to the consumer, raised there
            self._put(("error", exc))
            return
        self._put(("end", None))

    def _put(self, entry: tuple[str, Any]) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(entry, timeout=0.1)
            except queue.Full:
                continue
            return True
        return False

    def __iter__(self) -> ReadAhead[T]:
        return self

    def __next__(self) -> T:
        if self._done:
            raise StopIteration
        kind, value = self._queue.get()
        if kind == "item":
            return cast(T, value)
        self._done = True
        if kind == "error":
            raise value
        raise StopIteration

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        close = getattr(self._source, "close", None)
        if close is not None:
            close()

    def __enter__(self) -> ReadAhead[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class ReadAheadProcess(Generic[T]):
    """:class:`ReadAhead` in a process of its own (a fork of this one), on a machine that forks.

    A thread reads ahead only while the importer waits for the database, and SQLite gives the
    interpreter back between every two rows it writes, so the reading thread hardly ever ran
    during the writes: the importer waited for each chunk's reading all the same. A process
    reads on the other processor while this one writes. ``encode`` (in the reading process) and
    ``decode`` (here) turn an item into what crosses the pipe and back: plain tuples, lists and
    strings cross fastest. An exception is raised here at the item where it happened; a reading
    process that dies without one raises :class:`RuntimeError`. :meth:`close` stops the reading
    process and closes ``source``. Nothing in ``source`` may use the database (the process has
    none: the parent's connection is not its to use) or rely on what the importer changes later
    (the process has a copy of this one's memory as it was when it started). If this process
    is killed, the reader's next write finds the pipe closed and it ends."""

    def __init__(
        self,
        source: Iterator[Any],
        *,
        encode: Callable[[Any], Any] | None = None,
        decode: Callable[[Any], T] | None = None,
    ) -> None:
        self._source = source
        self._decode = decode
        self._done = False
        language = translation.get_language()
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the reading process: never returns
            os.close(read_end)
            code = 1
            try:
                _feed(source, Connection(write_end, readable=False), encode, language)
                code = 0
            finally:
                os._exit(code)  # no interpreter shutdown: the parent's objects are not ours
        os.close(write_end)
        self._pid: int | None = pid
        #: The reading process's peak resident memory in MiB, once :meth:`close` reaped it (it
        #: counts the pages it still shares with this process since the fork).
        self.peak_mb = 0
        self._pipe = Connection(read_end, writable=False)

    def __iter__(self) -> ReadAheadProcess[T]:
        return self

    def __next__(self) -> T:
        if self._done:
            raise StopIteration
        try:
            kind, value = self._pipe.recv()
        except EOFError:
            self._done = True
            raise RuntimeError(gettext("读取文件的进程意外结束")) from None
        if kind == "item":
            return cast(T, value if self._decode is None else self._decode(value))
        self._done = True
        if kind == "error":
            raise value
        raise StopIteration

    def close(self) -> None:
        if self._pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGTERM)
            _, _, usage = os.wait4(self._pid, 0)
            self.peak_mb = usage.ru_maxrss // 1024  # KiB on Linux
            self._pid = None
        self._pipe.close()
        close = getattr(self._source, "close", None)
        if close is not None:
            close()

    def __enter__(self) -> ReadAheadProcess[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _feed(
    source: Iterator[Any],
    pipe: Connection,
    encode: Callable[[Any], Any] | None,
    language: str | None,
) -> None:
    """The reading process: every item of ``source`` down the pipe, then the end or the error."""
    with contextlib.suppress(ValueError):  # (only a main thread sets handlers)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the importer, which stops us
    try:
        with translation.override(language):
            try:
                for item in source:
                    pipe.send(("item", item if encode is None else encode(item)))
            except (BrokenPipeError, ConnectionResetError):
                return  # the importer is gone
            except BaseException as exc:
                try:
                    pipe.send(("error", exc))
                except (BrokenPipeError, ConnectionResetError):
                    return
                except Exception:  # an exception that does not pickle: its text
                    pipe.send(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))
                return
            pipe.send(("end", None))
    except (BrokenPipeError, ConnectionResetError):
        return


def read_ahead(
    source: Iterator[Any],
    *,
    encode: Callable[[Any], Any] | None = None,
    decode: Callable[[Any], Any] | None = None,
) -> ReadAheadProcess[Any] | ReadAhead[Any]:
    """Read ``source`` ahead of the caller: in a process of its own where the system forks
    (:class:`ReadAheadProcess`), else in a thread (:class:`ReadAhead`, with no encoding)."""
    if hasattr(os, "fork"):
        return ReadAheadProcess(source, encode=encode, decode=decode)
    return ReadAhead(source)

"""Department bulk files as rows: CSV and JSON lines read as they stream in, XLSX (what department staff
export from their spreadsheet programs) spooled and read sheet-row by sheet-row.

Text arrives in UTF-8, GBK or GB18030: the charset the client declares, or, undeclared, UTF-8 when the
file's start is valid UTF-8 and GB18030 (a superset of GBK and GB2312) otherwise. A row is never decoded
with replacement characters: two records whose ids differ only in a Chinese character must stay two. A row
that is not valid text in that encoding is rejected with its number; a row that contains a NUL character
is rejected; a "row" longer than MAX_LINE means the file is not a CSV or JSON-lines file at all."""

import asyncio
import csv
import datetime as dt
import io
import json
import tempfile
from collections.abc import AsyncIterator, Callable, Iterator
from itertools import islice
from typing import Any, NamedTuple

from common import workbook
from common.errors import BadRequest, PayloadTooLarge, ValidationFailed
from common.workbook import WorkbookTooLarge
from screening.config import settings

CSV, JSONL, XLSX = (
    "text/csv",
    "application/x-ndjson",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)
KINDS = {CSV: CSV, JSONL: JSONL, "application/jsonl": JSONL, XLSX: XLSX}
CHARSETS = {"utf-8": "utf-8", "utf8": "utf-8", "gbk": "gb18030", "gb2312": "gb18030", "gb18030": "gb18030"}
MAX_LINE = 1024 * 1024
SNIFF = 64 * 1024


class Refused(NamedTuple):
    """Why a row cannot be read, for the department's program and for its staff."""

    en: str
    zh: str


Row = dict[str, Any] | Refused  # a row's fields, or the reason it cannot be read
Header = Callable[[list[str]], list[str]]  # a file's column names to the contract's fields, or 422


def _as_is(header: list[str]) -> list[str]:
    return header


class NotAFile(ValidationFailed):
    slug, title = "unreadable-file", "The file cannot be read as the declared kind"
    title_zh = "文件无法按声明的类型读取"


class RowLimitExceeded(PayloadTooLarge):
    slug, title = "upload-row-limit-exceeded", "The file has more rows than one upload may carry"
    title_zh = "文件行数超过单次上传上限"

    @classmethod
    def over(cls, limit: int, upload_id: object) -> "RowLimitExceeded":
        return cls(
            f"The file has more than {limit:,} rows, the limit of one upload (UPLOAD_MAX_ROWS): rows 1 to {limit:,} "
            f"were taken (upload {upload_id}), the rest were not read; send them in another file",
            zh=f"文件超过单次上传上限 {limit:,} 行(UPLOAD_MAX_ROWS):第 1 至 {limit:,} 行已接收(上传 {upload_id}),"
            "其余未读取,请另行上传",
            limit="UPLOAD_MAX_ROWS",
            max_rows=limit,
            upload_id=str(upload_id),
        )


def kind_of(content_type: str) -> tuple[str, str | None]:
    """The file kind and the declared charset, or 400 naming what is accepted."""
    media, *params = [p.strip() for p in content_type.split(";")]
    kind = KINDS.get(media.lower())
    if kind is None:
        raise BadRequest(f"Send {CSV}, {JSONL} or {XLSX}", zh="请上传 CSV、JSON Lines 或 XLSX 文件")
    charset = None
    for p in params:
        name, _, value = p.partition("=")
        if name.strip().lower() == "charset":
            charset = CHARSETS.get(value.strip().strip('"').lower())
            if charset is None:
                raise BadRequest(
                    f"Unsupported charset {value.strip()!r}: send UTF-8, GBK or GB18030",
                    zh="不支持此字符编码，请使用 UTF-8、GBK 或 GB18030",
                )
    return kind, charset


def sniff(start: bytes) -> str:
    """UTF-8 if the file's start decodes as UTF-8 (a multi-byte character cut at the end is allowed)."""
    try:
        start.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(start) - 3 and exc.reason == "unexpected end of data":
            return "utf-8"
        return "gb18030"


async def text_rows(
    stream: AsyncIterator[bytes],
    *,
    csv_format: bool,
    charset: str | None,
    encoding_seen: list[str],
    fields: Header = _as_is,
) -> AsyncIterator[tuple[int, Row]]:
    """Rows numbered from 1 (the CSV header is not a row). `encoding_seen` receives the encoding chosen."""
    header: list[str] | None = None
    pending, encoding, n = b"", charset, 0

    def parse(lines: list[bytes]) -> list[tuple[int, Row]]:
        nonlocal header, n
        assert encoding is not None
        out: list[tuple[int, Row]] = []
        for line in lines:
            try:
                text: str | None = line.decode(encoding)
            except UnicodeDecodeError:
                text = None
            row = _one(text, header, csv_format, encoding)
            if isinstance(row, list):
                header = fields(row)
            elif row is not None:
                n += 1
                out.append((n, row))
        return out

    async for chunk in stream:
        pending += chunk
        if encoding is None:
            if len(pending) < SNIFF:
                continue
            encoding = sniff(pending[:SNIFF])
            encoding_seen.append(encoding)
        *lines, pending = pending.split(b"\n")
        for item in parse(lines):
            yield item
        if len(pending) > MAX_LINE:
            raise _too_long(n + 1)
    if encoding is None:
        encoding = sniff(pending)
        encoding_seen.append(encoding)
    if len(pending) > MAX_LINE:
        raise _too_long(n + 1)
    for item in parse(pending.split(b"\n")):
        yield item


_NUL = Refused("contains a NUL character", "含有空字符（NUL）")
_NOT_JSON = Refused("not a JSON object", "不是 JSON 对象")


def _too_long(row: int) -> NotAFile:
    return NotAFile(
        f"Row {row} is longer than {MAX_LINE:,} bytes: not a CSV or JSON-lines file",
        zh=f"第 {row} 行超过 {MAX_LINE:,} 字节：不是 CSV 或 JSON Lines 文件",
    )


def _one(text: str | None, header: list[str] | None, csv_format: bool, encoding: str) -> Row | list[str] | None:
    """A row, a header (list), or None for a blank line."""
    if text is None:
        return Refused(f"not valid {encoding} text", f"不是有效的 {encoding.upper()} 编码文字")
    text = text.removeprefix("\ufeff").strip()
    if not text:
        return None
    if "\x00" in text:
        return _NUL
    if csv_format:
        values = next(csv.reader(io.StringIO(text)))
        if header is None:
            return [v.strip() for v in values]
        if len(values) != len(header):
            return Refused(
                f"expected {len(header)} columns, found {len(values)}", f"应有 {len(header)} 列，实有 {len(values)} 列"
            )
        return {k: v for k, v in zip(header, values, strict=True) if v != ""}
    try:
        row = json.loads(text)
    except json.JSONDecodeError:
        return _NOT_JSON
    return row if isinstance(row, dict) else _NOT_JSON


async def xlsx_rows(
    stream: AsyncIterator[bytes], chunk_rows: int = 500, fields: Header = _as_is
) -> AsyncIterator[tuple[int, Row]]:
    """The first sheet's rows (its first non-empty row is the header), read off a spooled copy once the
    workbook passed the limits of what it may expand to (`workbook.inspect`): nothing is yielded before.
    Formulas are read as written, not as the value last cached (which the sender never sees and may be
    anything): a row with one is refused, asking for the values."""
    from openpyxl import load_workbook

    with tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024) as spool:
        size = 0
        async for chunk in stream:
            size += len(chunk)
            if size > settings.xlsx_max_bytes:
                raise workbook.over_limit(
                    "size in bytes", size, settings.xlsx_max_bytes, "XLSX_MAX_BYTES", "文件字节数"
                )
            spool.write(chunk)
        spool.seek(0)
        try:
            await asyncio.to_thread(workbook.inspect, spool, settings)
        except workbook.Unreadable as exc:
            raise NotAFile(f"Not an XLSX workbook ({exc})", zh="文件不是有效的 XLSX 工作簿") from None
        spool.seek(0)
        try:
            book = await asyncio.to_thread(load_workbook, spool, read_only=True, data_only=False)
        except Exception as exc:  # openpyxl raises zip, XML and key errors for a file that is no workbook
            raise NotAFile(
                f"Not an XLSX workbook ({exc.__class__.__name__})", zh="文件不是有效的 XLSX 工作簿"
            ) from None
        try:
            sheet = book.worksheets[0]
            values: Iterator[tuple[Any, ...]] = sheet.iter_rows(values_only=True)
            header: list[str] | None = None
            written: list[str] = []  # the header as the sender wrote it, to name a column back to them
            n = 0
            while batch := await asyncio.to_thread(lambda: list(islice(values, chunk_rows))):
                for cells in batch:
                    if all(c is None or str(c).strip() == "" for c in cells):
                        continue
                    if header is None:
                        written = [str(c).strip() if c is not None else "" for c in cells]
                        header = fields(written)
                        continue
                    n += 1
                    if n > settings.xlsx_max_rows:  # the scan counted them: a second guard, never reached
                        raise WorkbookTooLarge(
                            f"More than {settings.xlsx_max_rows:,} rows (XLSX_MAX_ROWS)",
                            zh=f"超过 {settings.xlsx_max_rows:,} 行（XLSX_MAX_ROWS）",
                        )
                    yield n, _xlsx_row(header, cells, written)
        finally:
            book.close()


def _xlsx_row(header: list[str], cells: tuple[Any, ...], written: list[str]) -> Row:
    row: dict[str, Any] = {}
    for name, value, column in zip(header, cells, written, strict=False):
        if not name or value is None or value == "":
            continue
        if isinstance(value, float) and name in ("resident_id", "record_id"):
            return Refused(
                f"{name} must be a text cell: a number cell has lost its digits",
                f"“{column}”应为文本单元格：数字单元格已丢失末尾数字",
            )
        if "\x00" in str(value):
            return _NUL
        if isinstance(value, str) and value.startswith("="):
            return Refused(f"{name} is a formula: paste its value instead", f"“{column}”是公式，请粘贴为数值后再上传")
        row[name] = _cell(value)
    return row


def _cell(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    return str(value).strip()

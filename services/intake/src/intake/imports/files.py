"""An import file as numbered rows: CSV in UTF-8 or GBK/GB18030 (what the national system's export and a
spreadsheet saved on a Chinese Windows write), or the first sheet of an XLSX workbook. Row numbers are the
spreadsheet's (the header is row 1), so the per-row report points at the line a county officer sees."""

import csv
import datetime as dt
import io
from collections.abc import Iterator
from typing import Any

from common import workbook
from intake.config import settings
from intake.crypto import cipher
from intake.imports.mapping import FIELD_ZH, Refused, Row, fields_of

XLSX_MAGIC = b"PK\x03\x04"
# An identifier typed into a number cell has lost its last digits (Excel keeps 15): refuse, never guess.
TEXT_ONLY = ("resident_id", "phone", "household_no")
IDENTIFIERS = ("resident_id", "phone")  # checked, encrypted and indexed as registration does


def rows(content: bytes) -> Iterator[Row | tuple[int, str]]:
    """The file's data rows in order; a row that cannot be read is (its number, the reason in Chinese)."""
    if content.startswith(XLSX_MAGIC):
        yield from _xlsx(content)
    else:
        yield from _csv(content)


def decode(content: bytes) -> str:
    """UTF-8 when the whole file is UTF-8, else GB18030 (a superset of GBK and GB2312); neither: refused.
    Never decoded with replacement characters: two names differing in one character must stay two."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise Refused("文件既不是 UTF-8 也不是 GBK 编码的文本")


def _csv(content: bytes) -> Iterator[Row | tuple[int, str]]:
    text = decode(content)
    if "\x00" in text:
        raise Refused("文件含有空字符(NUL)，不是 CSV 文本")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        yield from _csv_rows(reader)
    except csv.Error:
        raise Refused(f"第 {reader.line_num} 行无法按 CSV 读取") from None


def _csv_rows(reader: Any) -> Iterator[Row | tuple[int, str]]:
    header = next(reader, None)
    if header is None:
        raise Refused("文件为空")
    fields = fields_of(header)
    for values in reader:
        number = reader.line_num
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            yield number, f"应有 {len(header)} 列，实有 {len(values)} 列"
            continue
        yield _row(number, fields, values)


def _xlsx(content: bytes) -> Iterator[Row | tuple[int, str]]:
    from openpyxl import load_workbook

    try:  # what it would expand to is judged first (413 over a limit): openpyxl holds shared strings in memory
        workbook.inspect(io.BytesIO(content), settings)
    except workbook.Unreadable:
        raise Refused("文件不是有效的 XLSX 工作簿") from None
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises zip, XML, key and its own errors for a zip that is no workbook
        raise Refused("文件不是有效的 XLSX 工作簿") from None
    try:
        sheet = book.worksheets[0]
        fields: list[str | None] | None = None
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            if all(c is None or str(c).strip() == "" for c in cells):
                continue
            if fields is None:
                fields = fields_of([str(c) if c is not None else "" for c in cells])
                continue
            lost = next(
                (f for f, c in zip(fields, cells, strict=False) if f in TEXT_ONLY and isinstance(c, float | int)), None
            )
            if lost is not None:
                yield number, f"「{FIELD_ZH[lost]}」须为文本格式单元格：数字格式会丢失位数"
                continue
            yield _row(number, fields, [_text(c) for c in cells])
        if fields is None:
            raise Refused("工作簿的第一个工作表为空")
    finally:
        book.close()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _row(number: int, fields: list[str | None], values: list[str]) -> Row:
    """A row's cells by field; a resident ID or phone number typed into any other cell (an address, a
    measure) is its pseudonym from here on, as at the REST door (ADR 0025)."""
    cells: dict[str, str] = {}
    for field, value in zip(fields, values, strict=False):
        value = value.strip()
        if field is not None and value:
            cells.setdefault(field, value if field in IDENTIFIERS else cipher.pseudonymize(value))
    return Row(number, cells)

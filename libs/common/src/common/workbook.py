"""An XLSX upload checked for what it would cost to read, before openpyxl parses any of it.

An XLSX file is a zip of XML parts: 605 KB expanded to 2,000,000 rows (five minutes, 487 MB of upload rows),
and a 220 KB shared-strings table, which openpyxl holds whole in memory, took 218 MB of it. So the zip's
central directory is judged first (members, their expanded sizes and compression ratios), then every part
is decompressed once as a stream and only scanned (never parsed) for its rows and shared-string entries.
Sizes read through `zipfile` never exceed what the central directory declares (more data fails its CRC),
so the first check bounds the second, and openpyxl's own read after both.
"""

import re
import zipfile
import zlib
from typing import IO, Protocol

from common.errors import PayloadTooLarge

SHARED_STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
RATIO_FLOOR = 1024 * 1024  # small parts (styles, themes) compress far beyond any ratio and cost nothing
CHUNK = 1024 * 1024
# A `<row>` of a sheet and an `<si>` of the shared strings, with or without a namespace prefix.
ROW = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,31}:)?row[\s>/]")
SI = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,31}:)?si[\s>/]")
_OVERRIDE = re.compile(rb"<(?:\w+:)?Override\b[^>]*>")
_PART = re.compile(rb'PartName\s*=\s*"([^"]+)"')
_TYPE = re.compile(rb'ContentType\s*=\s*"([^"]+)"')


class Limits(Protocol):
    """The limits a service sets for the workbooks it reads (its settings: XLSX_MAX_*)."""

    xlsx_max_members: int
    xlsx_max_uncompressed_bytes: int
    xlsx_max_member_bytes: int
    xlsx_max_ratio: int
    xlsx_max_rows: int
    xlsx_max_shared_strings_bytes: int
    xlsx_max_shared_strings: int


class WorkbookTooLarge(PayloadTooLarge):
    slug, title = "workbook-limit-exceeded", "The workbook is over a limit of what an upload may expand to"
    title_zh = "工作簿超出上传文件的解压限制"


class Unreadable(Exception):
    """Not a zip that can be read (the caller answers it as a file of the wrong kind)."""


def over_limit(what: str, found: int, limit: int, setting: str, zh_what: str) -> WorkbookTooLarge:
    return WorkbookTooLarge(
        f"The workbook's {what} is {found:,}, over the limit of {limit:,} ({setting}): send the data as CSV or "
        "JSON lines, or split the workbook",
        zh=f"工作簿的{zh_what}为 {found:,},超过上限 {limit:,}({setting});请改用 CSV 或 JSON lines 格式,或拆分后上传",
        limit=setting,
    )


def _count(member: IO[bytes], pattern: re.Pattern[bytes]) -> int:
    """Occurrences of a tag in a member, read as a stream: a match never holds a second `<`, so the text from
    the chunk's last `<` is carried into the next, unless it is long enough to hold a whole tag already."""
    n, carry = 0, b""
    while chunk := member.read(CHUNK):
        buf = carry + chunk
        cut = buf.rfind(b"<")
        if cut < 0:
            carry = b""
            continue
        if len(buf) - cut > 64:  # long enough to hold its whole tag: counted now
            n, carry = n + len(pattern.findall(buf)), b""
            continue
        n += len(pattern.findall(buf, 0, cut))
        carry = buf[cut:]
    return n + len(pattern.findall(carry))


def _shared_strings_parts(book: zipfile.ZipFile) -> set[str]:
    """The parts openpyxl reads as the shared strings (named in [Content_Types].xml), and any so named."""
    parts = {i.filename for i in book.infolist() if i.filename.lower().endswith("sharedstrings.xml")}
    try:
        manifest = book.getinfo("[Content_Types].xml")
    except KeyError:
        return parts
    if manifest.file_size > RATIO_FLOOR:
        raise over_limit(
            "content-type manifest in bytes",
            manifest.file_size,
            RATIO_FLOOR,
            "[Content_Types].xml",
            "内容类型清单字节数",
        )
    for tag in _OVERRIDE.findall(book.read(manifest)):
        part, kind = _PART.search(tag), _TYPE.search(tag)
        if part and kind and kind.group(1).decode("ascii", "replace") == SHARED_STRINGS_TYPE:
            parts.add(part.group(1).decode("utf-8", "replace").lstrip("/"))
    return parts


def inspect(file: IO[bytes], limits: Limits) -> None:
    """Refuse (WorkbookTooLarge, 413) a workbook over a limit; Unreadable if it is no zip. Reads nothing twice
    into memory: each part is streamed through the scan and dropped."""
    try:
        book = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise Unreadable(exc.__class__.__name__) from None
    with book:
        members = book.infolist()
        if len(members) > limits.xlsx_max_members:
            raise over_limit(
                "number of parts", len(members), limits.xlsx_max_members, "XLSX_MAX_MEMBERS", "压缩包成员数"
            )
        total = sum(i.file_size for i in members)
        if total > limits.xlsx_max_uncompressed_bytes:
            raise over_limit(
                "expanded size in bytes", total, limits.xlsx_max_uncompressed_bytes,
                "XLSX_MAX_UNCOMPRESSED_BYTES", "解压后总字节数",
            )  # fmt: skip
        for i in members:
            if i.file_size > limits.xlsx_max_member_bytes:
                raise over_limit(
                    f"part {i.filename} expanded, in bytes,", i.file_size, limits.xlsx_max_member_bytes,
                    "XLSX_MAX_MEMBER_BYTES", f"成员 {i.filename} 解压后字节数",
                )  # fmt: skip
            ratio = i.file_size // max(i.compress_size, 1)
            if i.file_size > RATIO_FLOOR and ratio > limits.xlsx_max_ratio:
                raise over_limit(
                    f"part {i.filename}'s compression ratio", ratio, limits.xlsx_max_ratio,
                    "XLSX_MAX_RATIO", f"成员 {i.filename} 的压缩比",
                )  # fmt: skip
        shared = _shared_strings_parts(book)
        try:
            for i in members:
                if i.is_dir():
                    continue
                if i.filename in shared:
                    if i.file_size > limits.xlsx_max_shared_strings_bytes:
                        raise over_limit(
                            "shared-strings table in bytes", i.file_size, limits.xlsx_max_shared_strings_bytes,
                            "XLSX_MAX_SHARED_STRINGS_BYTES", "共享字符串表字节数",
                        )  # fmt: skip
                    with book.open(i) as member:
                        entries = _count(member, SI)
                    if entries > limits.xlsx_max_shared_strings:
                        raise over_limit(
                            "shared-strings table's entries", entries, limits.xlsx_max_shared_strings,
                            "XLSX_MAX_SHARED_STRINGS", "共享字符串条目数",
                        )  # fmt: skip
                    continue
                with book.open(i) as member:
                    rows = _count(member, ROW)
                if rows > limits.xlsx_max_rows:
                    raise over_limit(
                        f"number of rows (in {i.filename})", rows, limits.xlsx_max_rows,
                        "XLSX_MAX_ROWS", f"行数({i.filename})",
                    )  # fmt: skip
        except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, OSError, EOFError) as exc:
            raise Unreadable(exc.__class__.__name__) from None

"""Archive bombs sent as XLSX uploads (issue 24): a small workbook that expands to millions of rows, or to a
shared-strings table openpyxl would hold whole in memory. Each is refused before it is parsed, with a problem
that names the limit in Chinese, and no upload row is written."""

import io
import uuid
import zipfile
from collections.abc import Iterable

import httpx
import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from devkit.kit.people import HOUSING
from devkit.testing.fixtures import resident_id
from screening.config import settings

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
PARTS = {
    "[Content_Types].xml": [
        b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        b'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships'
        b'+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
        b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override '
        b'PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        b'spreadsheetml.worksheet+xml"/><Override PartName="/xl/strings.xml" ContentType="application/vnd.'
        b'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
    ],
    "_rels/.rels": [
        b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        b'2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ],
    "xl/workbook.xml": [
        b'<?xml version="1.0" encoding="UTF-8"?><workbook ' + NS + b' xmlns:r="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships"><sheets><sheet name="s" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ],
    "xl/_rels/workbook.xml.rels": [
        b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        b'2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.'
        b'openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="strings.xml"/></Relationships>'
    ],
}


def rows(n: int) -> Iterable[bytes]:
    yield b'<?xml version="1.0" encoding="UTF-8"?><worksheet ' + NS + b"><sheetData>"
    yield b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
    row = b'<row><c t="inlineStr"><is><t>H-1</t></is></c></row>'
    for _ in range(n // 10_000):
        yield row * 10_000
    yield b"</sheetData></worksheet>"


def strings(n: int) -> Iterable[bytes]:
    yield b'<?xml version="1.0" encoding="UTF-8"?><sst ' + NS + b"><si><t>record_id</t></si>"
    for _ in range(n // 10_000):
        yield b"<si><t>x</t></si>" * 10_000
    yield b"</sst>"


def bomb(sheet_rows: int = 1, shared: int = 0) -> bytes:
    """A workbook zip written as a stream: what it expands to is never held in memory here either."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        parts = {**PARTS, "xl/worksheets/sheet1.xml": rows(sheet_rows), "xl/strings.xml": strings(shared)}
        for name, chunks in parts.items():
            with z.open(name, "w", force_zip64=True) as member:
                for chunk in chunks:
                    member.write(chunk)
    return out.getvalue()


async def refused(client: httpx.AsyncClient, body: bytes, setting: str) -> None:
    """Answered 413 naming the limit, in Chinese; the upload failed with no row written."""
    from screening.feeds.models import UploadRow
    from screening.main import app

    upload_id = str(uuid.uuid4())
    r = await client.post(
        "/feeds/housing/uploads",
        content=body,
        headers={**HOUSING, "Content-Type": XLSX, "Upload-Id": upload_id, "Accept-Language": "zh-CN"},
    )
    assert r.status_code == 413, r.text
    problem = r.json()
    assert problem["type"].endswith("/workbook-limit-exceeded") and problem["limit"] == setting
    assert (
        problem["title"] == "工作簿超出上传文件的解压限制"
        and setting in problem["detail"]
        and "超过上限" in problem["detail"]
    )
    progress = (await client.get(f"/feeds/uploads/{upload_id}", headers=HOUSING)).json()
    assert progress["status"] == "failed" and setting in progress["failure"] and progress["rows"] == 0
    async with app.state.db.transaction() as s:
        written = await s.scalar(select(func.count()).where(UploadRow.upload_id == uuid.UUID(upload_id)))
    assert written == 0


async def test_a_small_workbook_of_two_million_rows_is_refused_unread(client: httpx.AsyncClient) -> None:
    body = bomb(sheet_rows=2_000_000)
    assert len(body) < 1024**2  # a few hundred KB, as the 605 KB file
    await refused(client, body, "XLSX_MAX_RATIO")


async def test_a_shared_strings_bomb_is_refused_before_openpyxl_holds_it(client: httpx.AsyncClient) -> None:
    body = bomb(shared=1_500_000)
    assert len(body) < 1024**2
    await refused(client, body, "XLSX_MAX_RATIO")


def honest(n: int = 60) -> bytes:
    """A workbook as a spreadsheet program writes it: n rows, their text in the shared strings."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["record_id", "resident_id", "event_date", "kind", "grade"])
    for _ in range(n):
        sheet.append([f"B-{uuid.uuid4().hex[:8]}", resident_id(), "2026-10-01", "appraisal", "C"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("setting", "limit"),
    [
        ("XLSX_MAX_ROWS", 50),  # a bomb that compresses badly is still counted before it is read
        ("XLSX_MAX_SHARED_STRINGS", 10_000),
        ("XLSX_MAX_SHARED_STRINGS_BYTES", 100_000),
        ("XLSX_MAX_MEMBER_BYTES", 2048),
        ("XLSX_MAX_UNCOMPRESSED_BYTES", 8192),
        ("XLSX_MAX_MEMBERS", 8),
        ("XLSX_MAX_BYTES", 1024),
    ],
)
async def test_each_limit_is_applied_and_named(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch, setting: str, limit: int
) -> None:
    # Below the ratio's floor (1 MiB expanded), so what is refused is the limit lowered here.
    body = bomb(shared=20_000) if "SHARED" in setting else honest()
    monkeypatch.setattr(settings, setting.lower(), limit)
    await refused(client, body, setting)


async def test_a_workbook_within_the_limits_is_read(client: httpx.AsyncClient) -> None:
    r = await client.post("/feeds/housing/uploads", content=honest(), headers={**HOUSING, "Content-Type": XLSX})
    assert r.status_code == 200, r.text
    assert r.json()["upload"]["accepted"] == 60


@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 7, 64, 100, 4096])
def test_rows_are_counted_alike_however_the_stream_is_cut(monkeypatch: pytest.MonkeyPatch, chunk: int) -> None:
    from common import workbook

    monkeypatch.setattr(workbook, "CHUNK", chunk)
    xml = b"".join(rows(10_000)) + b'<x:row r="9"/><row>' + b"a" * 200 + b"<rowBreaks/><row\n>"
    assert workbook._count(io.BytesIO(xml), workbook.ROW) == 10_001 + 3

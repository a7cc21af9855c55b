"""Bulk files as department staff send them: GBK and GB18030 text, undecodable bytes, XLSX, a file that is
no file at all, and more rows than one answer should carry."""

import io
import json
import uuid

import httpx
import pytest
from openpyxl import Workbook

from common.pagination import decode_cursor
from devkit.kit.people import HOUSING, MEDICAL
from devkit.testing.fixtures import resident_id
from screening.config import settings
from screening.feeds.models import UploadRow

HEADER = "record_id,resident_id,event_date,kind,grade\n"


def housing_csv(record_ids: list[str]) -> str:
    return HEADER + "".join(f"{r},{resident_id()},2026-10-01,appraisal,C\n" for r in record_ids)


async def upload(client: httpx.AsyncClient, body: bytes, content_type: str, **headers: str) -> httpx.Response:
    return await client.post(
        "/feeds/housing/uploads", content=body, headers={**HOUSING, "Content-Type": content_type, **headers}
    )


async def test_gbk_rows_that_differ_in_one_chinese_character_stay_two(client: httpx.AsyncClient) -> None:
    stem = uuid.uuid4().hex[:6]
    text = housing_csv([f"房鉴-{stem}-甲", f"房鉴-{stem}-乙"])
    for content_type in ("text/csv; charset=GBK", "text/csv"):  # declared, then detected
        ids = [f"房鉴-{stem}-{c}" for c in ("丙", "丁")] if content_type == "text/csv" else None
        body = (housing_csv(ids) if ids else text).encode("gbk")
        r = await upload(client, body, content_type)
        assert r.status_code == 200, r.text
        assert [x["outcome"] for x in r.json()["results"]] == ["accepted", "accepted"]
        assert r.json()["upload"]["encoding"] == "gb18030"
        assert {x["record_id"] for x in r.json()["results"]} == set(ids or [f"房鉴-{stem}-甲", f"房鉴-{stem}-乙"])


async def test_undecodable_and_nul_rows_are_rejected_by_number(client: httpx.AsyncClient) -> None:
    good = housing_csv([f"H-{uuid.uuid4().hex[:8]}", f"H-{uuid.uuid4().hex[:8]}"]).encode()
    broken = f"H-{uuid.uuid4().hex[:8]},{resident_id()},2026-10-01,appraisal,C\n".encode().replace(b",C", b",\xff\xfe")
    nul = f"H-{uuid.uuid4().hex[:8]},{resident_id()},2026-10-01,appr\x00aisal,C\n".encode()
    r = await upload(client, good + broken + nul, "text/csv; charset=utf-8")
    assert r.status_code == 200, r.text
    outcomes = [(x["row"], x["outcome"], x["reason"]) for x in r.json()["results"]]
    assert outcomes[:2] == [(1, "accepted", None), (2, "accepted", None)]
    assert outcomes[2] == (3, "rejected", "not valid utf-8 text")
    assert outcomes[3] == (4, "rejected", "contains a NUL character")


async def test_an_xlsx_export_is_read_like_a_csv(client: httpx.AsyncClient) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["record_id", "resident_id", "event_date", "kind", "grade"])
    sheet.append([f"X-{uuid.uuid4().hex[:8]}", resident_id(), "2026-10-01", "appraisal", "D"])
    sheet.append([f"X-{uuid.uuid4().hex[:8]}", float(resident_id()[:17]), "2026-10-01", "appraisal", "D"])
    out = io.BytesIO()
    book.save(out)
    r = await upload(client, out.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert r.status_code == 200, r.text
    results = r.json()["results"]
    assert results[0]["outcome"] == "accepted"
    assert results[1]["outcome"] == "rejected" and "text cell" in results[1]["reason"]
    bad = await upload(client, b"PK not a zip", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert bad.status_code == 422


async def test_a_file_that_is_one_huge_line_fails_the_upload_and_says_why(client: httpx.AsyncClient) -> None:
    upload_id = str(uuid.uuid4())
    r = await upload(client, HEADER.encode() + b"x" * (2 * 1024 * 1024), "text/csv", **{"Upload-Id": upload_id})
    assert r.status_code == 422 and "longer than" in r.json()["detail"]
    progress = (await client.get(f"/feeds/uploads/{upload_id}", headers=HOUSING)).json()
    assert progress["status"] == "failed" and "longer than" in progress["failure"]


@pytest.mark.parametrize("kind", ["text/csv", "application/x-ndjson"])
async def test_rows_past_the_upload_limit_are_refused_naming_it(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    monkeypatch.setattr(settings, "upload_max_rows", 3)
    stem = uuid.uuid4().hex[:8]
    ids = [f"L-{stem}-{i}" for i in range(5)]
    fields = {"event_date": "2026-10-01", "kind": "appraisal", "grade": "C"}
    lines = [json.dumps({"record_id": r, "resident_id": resident_id(), **fields}) for r in ids]
    body = (housing_csv(ids) if kind == "text/csv" else "\n".join(lines)).encode()
    upload_id = str(uuid.uuid4())
    r = await upload(client, body, kind, **{"Upload-Id": upload_id})
    assert r.status_code == 413, r.text
    problem = r.json()
    assert problem["type"].endswith("/upload-row-limit-exceeded") and problem["limit"] == "UPLOAD_MAX_ROWS"
    assert problem["max_rows"] == 3 and "3 rows" in problem["detail"] and problem["upload_id"] == upload_id
    progress = (await client.get(f"/feeds/uploads/{upload_id}", headers=HOUSING)).json()
    assert progress["status"] == "failed" and progress["rows"] == 3 and "UPLOAD_MAX_ROWS" in progress["failure"]
    # At the limit, the file is taken whole; the rows taken before are not applied twice.
    again = await upload(client, (housing_csv(ids[:3]) if kind == "text/csv" else "\n".join(lines[:3])).encode(), kind)
    assert again.status_code == 200, again.text
    assert [x["outcome"] for x in again.json()["results"]] == ["duplicate"] * 3


async def test_a_large_rejection_is_answered_capped_and_paged(client: httpx.AsyncClient) -> None:
    upload_id = str(uuid.uuid4())
    r = await client.post(
        "/feeds/medical-insurance/uploads",
        content=b"\n".join([b"{broken"] * 1_234),
        headers={**MEDICAL, "Content-Type": "application/x-ndjson", "Upload-Id": upload_id},
    )
    assert r.status_code == 200, r.text
    assert len(r.json()["results"]) == 1_000 and r.json()["more_results"] and r.json()["upload"]["rejected"] == 1_234
    rows, cursor = [], None
    while True:
        params = {"outcome": "rejected", "limit": 500} | ({"cursor": cursor} if cursor else {})
        page = (await client.get(f"/feeds/uploads/{upload_id}/rows", params=params, headers=MEDICAL)).json()
        rows += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert [x["row"] for x in rows] == list(range(1, 1_235))
    # The one cursor of every list (common.pagination): opaque, and a row number is not one.
    first = (await client.get(f"/feeds/uploads/{upload_id}/rows", params={"limit": 2}, headers=MEDICAL)).json()
    assert decode_cursor(first["next_cursor"], [UploadRow.row]) == (2,)
    bare = await client.get(f"/feeds/uploads/{upload_id}/rows", params={"cursor": "2"}, headers=MEDICAL)
    assert bare.status_code == 400 and bare.headers["content-type"] == "application/problem+json"
    other = await client.get(f"/feeds/uploads/{upload_id}/rows", headers=HOUSING)
    assert other.status_code == 404


async def test_an_upload_whose_process_died_is_marked_failed(client: httpx.AsyncClient) -> None:
    import asyncio
    import datetime as dt

    from screening.feeds.endpoints import stalled_uploads_loop
    from screening.feeds.models import Upload
    from screening.main import app

    upload_id = uuid.uuid4()
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)
    async with app.state.db.transaction() as s:
        s.add(Upload(id=upload_id, department="housing", uploaded_by="housing-system", status="running"))
        await s.flush()
        await s.execute(Upload.__table__.update().where(Upload.id == upload_id).values(updated_at=long_ago))
    sweep = asyncio.create_task(stalled_uploads_loop(app))
    try:
        for _ in range(50):
            progress = (await client.get(f"/feeds/uploads/{upload_id}", headers=HOUSING)).json()
            if progress["status"] == "failed":
                break
            await asyncio.sleep(0.1)
    finally:
        sweep.cancel()
    assert progress["status"] == "failed" and progress["failure"].startswith("interrupted")

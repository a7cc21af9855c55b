"""A department sends what it has: its own export with Chinese headers and values, in GBK, as a form's file
part, or the template the feed publishes, filled in."""

import datetime as dt
import io
import re
import typing
import uuid

import httpx
import pytest
from openpyxl import Workbook, load_workbook

from contracts.dept import DEPT_CONTRACTS
from devkit.kit.people import HOUSING, department
from devkit.testing.fixtures import resident_id
from screening.config import settings
from screening.feeds import columns

DISABILITY = department("disability")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def test_a_gbk_csv_with_chinese_headers_synonyms_and_values_is_accepted(client: httpx.AsyncClient) -> None:
    stem = uuid.uuid4().hex[:8]
    # 公民身份号码 is a synonym of 身份证号; 鉴定等级 `C级` and 业务类型 `安全鉴定` are the labels of C and appraisal
    text = f"业务编号,公民身份号码,发生日期,业务类型,鉴定等级\n房鉴-{stem},{resident_id()},2026-10-01,安全鉴定,C级\n"
    r = await client.post(
        "/feeds/housing/uploads", content=text.encode("gbk"), headers={**HOUSING, "Content-Type": "text/csv"}
    )
    assert r.status_code == 200, r.text
    assert r.json()["upload"]["encoding"] == "gb18030"
    assert [x["outcome"] for x in r.json()["results"]] == ["accepted"], r.json()["results"]


async def test_an_unknown_or_doubled_column_fails_the_upload_in_chinese(client: httpx.AsyncClient) -> None:
    for header in ("业务编号,身份证号,发生日期,业务类型,颜色", "业务编号,身份证号,公民身份号码,发生日期,业务类型"):
        body = f"{header}\nX-{uuid.uuid4().hex[:8]},{resident_id()},{resident_id()},2026-10-01,安全鉴定\n"
        r = await client.post(
            "/feeds/housing/uploads",
            content=body.encode(),
            headers={**HOUSING, "Content-Type": "text/csv", "Accept-Language": "zh-CN"},
        )
        assert r.status_code == 422, r.text
        assert r.json()["type"].endswith("/unknown-columns")
        assert "可用的列：业务编号、版本号、身份证号" in r.json()["detail"]
        assert ("颜色" if "颜色" in header else "公民身份号码") in r.json()["detail"]


async def test_the_template_downloads_and_comes_back_accepted_as_a_form_part(client: httpx.AsyncClient) -> None:
    r = await client.get("/feeds/disability/template", headers=DISABILITY)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == XLSX
    book = load_workbook(io.BytesIO(r.content))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["业务编号", "版本号", "身份证号", "发生日期"] and "残疾等级" in header
    lists = {str(v.sqref).split(":")[0][0]: v.formula1 for v in sheet.data_validations.dataValidation}
    grade = "ABCDEFGHIJ"[header.index("残疾等级")]
    assert lists[grade] == '"一级,二级,三级,四级"'
    # Filled in: the example row with a fresh record id and a real number, sent back as a browser sends it.
    sheet.cell(row=2, column=1).value = f"残联-{uuid.uuid4().hex[:8]}"
    sheet.cell(row=2, column=3).value = resident_id()
    out = io.BytesIO()
    book.save(out)
    sent = await client.post(
        "/feeds/disability/uploads",
        files={"file": ("残联导出.xlsx", out.getvalue(), "application/octet-stream")},
        headers=DISABILITY,
    )
    assert sent.status_code == 200, sent.text
    assert sent.json()["upload"]["kind"] == XLSX
    assert [x["outcome"] for x in sent.json()["results"]] == ["accepted"], sent.json()["results"]
    other = await client.get("/feeds/disability/template", headers=HOUSING)
    assert other.status_code == 403


async def test_a_gbk_csv_as_a_form_part_and_a_form_without_a_file(client: httpx.AsyncClient) -> None:
    row = f"F-{uuid.uuid4().hex[:8]},{resident_id()},2026-10-01,安全鉴定,D级"
    text = f"业务编号,身份证号,发生日期,业务类型,鉴定等级\n{row}\n"
    r = await client.post(
        "/feeds/housing/uploads",
        files={"file": ("住建.csv", text.encode("gbk"), "text/csv; charset=GBK")},
        headers=HOUSING,
    )
    assert r.status_code == 200, r.text
    assert r.json()["upload"]["encoding"] == "gb18030"
    assert [x["outcome"] for x in r.json()["results"]] == ["accepted"]
    missing = await client.post(
        "/feeds/housing/uploads", data={"note": "x"}, files={"other": ("a.csv", b"x")}, headers=HOUSING
    )
    assert missing.status_code == 400
    broken = await client.post(
        "/feeds/housing/uploads",
        content=b"--b\r\nContent-Disposition: form-data; name=file; filename=a.csv\r\n\r\nhalf",
        headers={**HOUSING, "Content-Type": "multipart/form-data; boundary=b", "Accept-Language": "zh-CN"},
    )
    assert broken.status_code == 400 and "表单" in broken.json()["detail"]


async def test_a_formula_cell_is_refused_with_its_column(client: httpx.AsyncClient) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["业务编号", "身份证号", "发生日期", "业务类型", "鉴定等级"])
    sheet.append([f"Q-{uuid.uuid4().hex[:8]}", resident_id(), "2026-10-01", "安全鉴定", '=HYPERLINK("http://x","C")'])
    out = io.BytesIO()
    book.save(out)
    r = await client.post("/feeds/housing/uploads", content=out.getvalue(), headers={**HOUSING, "Content-Type": XLSX})
    assert r.status_code == 200, r.text
    row = r.json()["results"][0]
    assert row["outcome"] == "rejected" and "formula" in row["reason"]


LATIN = re.compile(r"[A-Za-z]{2,}")


def _chinese(text: str) -> bool:
    """Chinese for a reader: no English word left (codes the sender wrote, like `UTF-8`, are quoted)."""
    return not LATIN.search(re.sub(r"“[^”]*”|UTF-8|GB18030|NUL|JSON|XLSX|CSV", "", text))


async def test_rejected_rows_say_why_in_chinese_by_column(client: httpx.AsyncClient) -> None:
    stem = uuid.uuid4().hex[:8]
    rows = [
        f"R1-{stem},110105194912310021,2026-10-01,安全鉴定,C级",  # the check digit is wrong
        f"R2-{stem},{resident_id()},2026-10-01,拆除,E级",  # neither value is on the lists
        f"R3-{stem},{resident_id()},2026-10-01",  # a column short
        f"R4-{stem},{resident_id()},2099-01-01,安全鉴定,A级",  # after today
    ]
    body = ("业务编号,身份证号,发生日期,业务类型,鉴定等级\n" + "\n".join(rows) + "\n").encode("gbk") + b"\xff\xff,\n"
    zh = {**HOUSING, "Content-Type": "text/csv; charset=GBK", "Accept-Language": "zh-CN"}
    r = await client.post("/feeds/housing/uploads", content=body, headers=zh)
    assert r.status_code == 200, r.text
    results = r.json()["results"]
    assert [x["outcome"] for x in results] == ["rejected"] * 5
    reasons = [x["reason"] for x in results]
    assert reasons[0] == "身份证号：取值无效：身份证号码校验码不正确", reasons
    assert "业务类型：应为以下之一：安全鉴定、改造完成" in reasons[1] and "鉴定等级：应为以下之一：A级" in reasons[1]
    assert reasons[2] == "应有 5 列，实有 3 列" and "晚于今天" in reasons[3] and "GB18030" in reasons[4]
    assert all(_chinese(x) for x in reasons), reasons
    assert "check digit" in results[0]["reason_en"]
    paged = await client.get(
        f"/feeds/uploads/{r.json()['upload']['id']}/rows?outcome=rejected",
        headers={**HOUSING, "Accept-Language": "zh-CN"},
    )
    assert [x["reason"] for x in paged.json()["items"]] == reasons
    english = await client.get(f"/feeds/uploads/{r.json()['upload']['id']}/rows", headers=HOUSING)
    assert "check digit" in english.json()["items"][0]["reason"] and english.json()["items"][0]["reason_en"] is None


async def test_a_single_record_is_refused_in_chinese(client: httpx.AsyncClient) -> None:
    record = {"record_id": f"S-{uuid.uuid4().hex[:8]}", "resident_id": "110105194912310021", "event_date": "2026-10-01"}
    r = await client.post(
        "/feeds/housing/records", json={**record, "kind": "x"}, headers={**HOUSING, "Accept-Language": "zh-CN"}
    )
    assert r.status_code == 422
    assert (
        r.json()["detail"] == "业务类型：应为以下之一：安全鉴定、改造完成；身份证号：取值无效：身份证号码校验码不正确"
    )


def test_every_feed_names_each_column_and_value_in_chinese_and_its_template_reads_back() -> None:
    for feed, contract in DEPT_CONTRACTS.items():
        known = columns.header_map(feed)  # a field without its Chinese names fails here (KeyError)
        names = [n for field in contract.model_fields for n in contract.column_names()[field]]
        assert len(names) == len(set(names)), f"{feed}: a column name stands for two fields"
        for field, info in contract.model_fields.items():
            kinds = (info.annotation, *typing.get_args(info.annotation))  # a Literal, or one inside `| None`
            literals = {str(v) for a in kinds if typing.get_origin(a) is typing.Literal for v in typing.get_args(a)}
            if literals:
                assert set(contract.values_zh.get(field, {})) == literals, f"{feed}.{field}"
        book = load_workbook(io.BytesIO(columns.template(feed, dt.date(2026, 12, 7))))
        header = [str(c.value) for c in book.worksheets[0][1]]
        assert columns.fields_of(feed, header) == list(contract.model_fields)
        assert all(h in known for h in header) and all(_chinese(h) for h in header)


async def test_hostile_form_parts_are_refused_as_raw_bodies_are(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    zh = {**HOUSING, "Accept-Language": "zh-CN"}
    latin = await client.post(
        "/feeds/housing/uploads", files={"file": ("a.csv", b"x", "text/csv; charset=latin1")}, headers=zh
    )
    assert latin.status_code == 400 and latin.json()["detail"] == "不支持此字符编码，请使用 UTF-8、GBK 或 GB18030"
    program = await client.post(
        "/feeds/housing/uploads", files={"file": ("a.exe", b"MZ", "application/octet-stream")}, headers=zh
    )
    assert program.status_code == 400 and program.json()["detail"] == "请上传 CSV、JSON Lines 或 XLSX 文件"
    # A workbook over its size limit, sent as a form part: refused before it is read, the failure in Chinese.
    monkeypatch.setattr(settings, "xlsx_max_bytes", 1024)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for i in range(300):
        sheet.append([f"B-{i}-{uuid.uuid4().hex}", resident_id(), "2026-10-01", "安全鉴定", "C级"])
    out = io.BytesIO()
    book.save(out)
    upload_id = str(uuid.uuid4())
    big = await client.post(
        "/feeds/housing/uploads",
        files={"file": ("大.xlsx", out.getvalue(), XLSX)},
        headers={**zh, "Upload-Id": upload_id},
    )
    assert big.status_code == 413 and big.json()["limit"] == "XLSX_MAX_BYTES" and "超过上限" in big.json()["detail"]
    progress = (await client.get(f"/feeds/uploads/{upload_id}", headers=zh)).json()
    assert (
        progress["status"] == "failed"
        and "超过上限" in progress["failure"]
        and "XLSX_MAX_BYTES" in progress["failure_en"]
    )

"""Intake's import for `make bench`: a county's file of households (half with a monitoring history, two
members each) through `POST /imports` until its job is done, against a bare COPY of the same rows (the
file's cells as text into a table of text columns: no parsing of values, no checks, no encryption, no
events)."""

import asyncio
import csv
import io
import os
import time
from collections.abc import Callable
from typing import Any

import asyncpg
import httpx

from common.auth import issue_token
from common.db import asyncpg_dsn
from common.regions import regions
from common.settings import CommonSettings
from devkit.testing.fixtures import resident_id

HOUSEHOLDS = int(os.environ.get("BENCH_IMPORT_HOUSEHOLDS", "300000"))
COUNTY = "532504"
HEADER = ["户编号", "行政区划代码", "家庭住址", "户类型", "姓名", "证件号码", "与户主关系", "劳动技能",
          "健康状况", "监测对象类别", "纳入监测时间", "风险类型", "帮扶措施", "风险消除时间"]  # fmt: skip


def county_file(n: int) -> tuple[bytes, list[list[str]]]:
    villages = regions().villages(COUNTY)
    rows = []
    for i in range(n):
        village, no = villages[i % len(villages)], f"B{i:09d}"
        history = ["脱贫不稳定户", "2021-06-15", "因病、因学", "产业帮扶:2021-07-01~2022-06-30"] if i % 2 else [""] * 4
        rows.append([no, village, "1组", "脱贫户", "李大", resident_id(), "户主", "普通劳动力", "健康", *history, ""])
        rows.append(
            [no, "", "", "", "王二", resident_id(), "配偶", "弱劳动力或半劳动力", "长期慢性病", "", "", "", "", ""]
        )
    out = io.StringIO()
    csv.writer(out).writerows([HEADER, *rows])
    return out.getvalue().encode("gbk"), rows


async def bare_copy(env: dict[str, str], rows: list[list[str]]) -> float:
    conn = await asyncpg.connect(asyncpg_dsn(env["DATABASE_URL"]))
    try:
        columns = ", ".join(f"c{i} text" for i in range(len(HEADER)))
        await conn.execute(f"DROP TABLE IF EXISTS bench_import_copy; CREATE TABLE bench_import_copy ({columns})")
        started = time.perf_counter()
        await conn.copy_records_to_table("bench_import_copy", records=[tuple(r) for r in rows])
        elapsed = time.perf_counter() - started
        await conn.execute("DROP TABLE bench_import_copy")
        return elapsed
    finally:
        await conn.close()


async def bench_import(env: dict[str, str], start_server: Callable[..., Any]) -> dict[str, str]:
    content, rows = county_file(HOUSEHOLDS)
    token = issue_token(CommonSettings(), sub="bench", role="county_officer", region=COUNTY)
    proc, url = start_server("intake.main:app", {**env, "LOG_LEVEL": "WARNING", "IMPORT_WORKER": "true"})
    try:
        async with httpx.AsyncClient(base_url=url, timeout=600, headers={"Authorization": f"Bearer {token}"}) as c:
            started = time.perf_counter()
            r = await c.post("/imports?filename=bench.csv", content=content, headers={"Content-Type": "text/csv"})
            r.raise_for_status()
            job = r.json()
            while job["state"] not in ("done", "failed"):
                await asyncio.sleep(0.2)
                job = (await c.get(f"/imports/{job['id']}")).json()
            elapsed = time.perf_counter() - started
    finally:
        proc.terminate()
        proc.wait(10)
    if job["state"] != "done" or job["households_imported"] != HOUSEHOLDS:
        raise RuntimeError(f"the import did not take every household: {job}")
    base = await bare_copy(env, rows)
    return {
        "import_households": f"{HOUSEHOLDS:,}",
        "import_seconds": f"{elapsed:.2f}",
        "import_rate": f"{HOUSEHOLDS / elapsed:,.0f}",
        "import_base_seconds": f"{base:.2f}",
        "import_ratio": f"{base / elapsed:.3f}",
    }

"""Names and ID numbers on paper (ADR 0014): the forms print the heads' names and ID numbers, read from intake
at print time with the printing officer's own token, as intake's audited reads; the ledger stores none of it."""

import json
import os
from typing import Any

import asyncpg
import httpx
import pytest

from common.db import asyncpg_dsn
from devkit.kit.assistance import identified
from devkit.kit.households import VILLAGE_A, headers, household_body, member
from devkit.kit.identification import CADRE, IDENTIFICATION_APPROVAL_NO, ok, sign_consent
from devkit.testing.fixtures import TopicReader, eventually, resident_id
from devkit.testing.pdfs import checked_pdf
from ledger.archive import heads
from ledger.config import settings

COUNTY = headers("county_officer", "532504", sub="county-printer")
ELSEWHERE = headers("county_officer", "441302", sub="county-elsewhere")  # 仲恺: not this household's county
AUDITOR = headers("auditor", "532504", sub="auditor-paper")


async def _pdf(ledger: httpx.AsyncClient, code: str, who: dict[str, str], **params: Any) -> httpx.Response:
    return await ledger.get(f"/forms/{code}", params={"purpose": "张贴公示", "format": "pdf", **params}, headers=who)


async def _ledger_text() -> str:
    """Every row of every table of the ledger's schema, as text."""
    conn = await asyncpg.connect(asyncpg_dsn(os.environ["DATABASE_URL"]))
    try:
        tables = await conn.fetch("SELECT table_name FROM information_schema.tables WHERE table_schema = 'ledger'")
        rows = [await conn.fetch(f'SELECT t::text AS r FROM ledger."{t["table_name"]}" t') for t in tables]
    finally:
        await conn.close()
    return "\n".join(r["r"] for table in rows for r in table)


async def test_forms_print_the_heads_names_and_ids_read_from_intake_as_audited_reads(
    services: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    intake = await services.client("intake")
    ledger = await services.client("ledger")
    # The ledger reaches the intake of this process (in a deployment: INTAKE_URL).
    from intake.main import app

    monkeypatch.setattr(heads, "transport", httpx.ASGITransport(app=app))
    rid, name = resident_id(), "欧阳晓明"
    body = household_body(VILLAGE_A, members=[member(name=name, resident_id=rid), member("spouse")])
    household = await ok(await intake.post("/households", json=body, headers=CADRE), 201)
    await sign_consent(intake, household)
    await identified(intake, household, ["illness"])

    async def verified() -> httpx.Response | None:
        r = await _pdf(ledger, "township-verification", COUNTY, household_id=household["id"])
        return r if r.status_code == 200 else None

    form = checked_pdf((await eventually(verified, timeout=60)).content).replace("\n", "")
    assert name in form and rid in form  # a filed form: the name and the full number
    assert household["household_no"] in form

    async def approved() -> httpx.Response | None:
        r = await _pdf(ledger, "county-approval", COUNTY, key=IDENTIFICATION_APPROVAL_NO)
        return r if r.status_code == 200 and household["household_no"] in checked_pdf(r.content) else None

    approval = checked_pdf((await eventually(approved, timeout=60)).content).replace("\n", "")
    assert name in approval and rid in approval
    # A notice posted in the village names the head and prints no ID number (附件2 has no such column).
    r = await _pdf(ledger, "village-preselection-notice", COUNTY, key=f"{VILLAGE_A}@2026-09-28")
    notice = checked_pdf(r.content).replace("\n", "")
    assert name in notice and rid not in notice and rid[-4:] + "<" not in notice
    # An auditor may draw the form but not see a full ID number: intake gives the masked one.
    r = await _pdf(ledger, "township-verification", AUDITOR, household_id=household["id"])
    audited = checked_pdf(r.content).replace("\n", "")
    assert name in audited and rid not in audited and rid[:6] + "********" + rid[-4:] in audited
    # Outside the jurisdiction: the same 404 as for a household that does not exist, and no name.
    foreign = await _pdf(ledger, "township-verification", ELSEWHERE, household_id=household["id"])
    absent = await _pdf(ledger, "township-verification", ELSEWHERE, household_id="00000000-0000-4000-8000-000000000000")
    assert foreign.status_code == absent.status_code == 404 and name not in foreign.text

    # Each printing is intake's audited read, with the form and the purpose stated.
    async with TopicReader(settings.kafka_bootstrap_servers or "", "audit.access.v1") as audit:
        for what in ("printed form township-verification", "printed form village-preselection-notice"):
            await audit.wait_for(
                lambda m, what=what: (
                    (d := json.loads(m.value)["data"])["household_id"] == household["id"]
                    and d["service"] == "intake"
                    and d["what"] == what
                    and d["purpose"] == "张贴公示"
                    and d["actor"] == "county-printer"
                ),
                timeout=30,
            )

    # The ledger stored none of it (the reads themselves reached its log, naming no one).
    async def logged() -> str | None:
        text = await _ledger_text()
        return text if "printed form county-approval" in text else None

    stored = await eventually(logged, timeout=60)
    assert name not in stored and rid not in stored and rid[-8:] not in stored
    # The dossier's access log says which form was printed, by its title.
    r = await ledger.get(f"/households/{household['id']}/archive.pdf", params={"purpose": "年度检查"}, headers=COUNTY)
    dossier = checked_pdf(r.content).replace("\n", "")
    assert "《监测对象认定乡镇核查表》" in dossier and "township-verification" not in dossier
    # Intake refuses what is not a household id or a form's code, as a problem, not a 500.
    bad = await intake.get(
        "/printed-heads",
        params={"household_id": "x", "form": "../admin", "use": "notice", "purpose": "打印"},
        headers=COUNTY,
    )
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("application/problem+json")


async def test_without_intake_the_boxes_stay_blank_for_the_pen(services: Any) -> None:
    assert heads.transport is None and settings.intake_url is None
    assert await heads.reader("Bearer x", "township-verification", "台账")(["a"], "filed") == {}

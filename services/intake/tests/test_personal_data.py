"""No plaintext resident ID or phone number in any table or in the logs."""

import httpx
import pytest

from common.logging import configure_logging
from devkit.kit.households import TOWNSHIP_A, headers, household_body, if_match, member, register
from devkit.testing.fixtures import resident_id, rows_as_text
from intake.main import app


async def _all_rows_as_text(client: httpx.AsyncClient) -> str:
    return "\n".join((await rows_as_text(app.state.db.engine)).values())


async def test_tables_hold_no_plaintext_identifiers(client: httpx.AsyncClient) -> None:
    head = member(resident_id=resident_id(), phone="13912345678", name="欧阳鑫淼")
    household = await register(client, members=[head, member("spouse")])
    officer = headers("township_officer", TOWNSHIP_A)
    shown = await client.get(f"/households/{household['id']}", headers=officer)
    assert "欧阳鑫淼" in shown.text  # an audited read shows the name
    changed = await if_match(client, household["id"], officer)
    await client.patch(f"/households/{household['id']}", json={"address": "2组 9号", "reason": "搬迁"}, headers=changed)
    revisions = await client.get(f"/households/{household['id']}/revisions", headers=officer)
    assert "欧阳鑫淼" in revisions.text  # and so do the revisions
    dump = await _all_rows_as_text(client)
    assert household["id"] in dump  # the dump really covers the data
    assert head["resident_id"] not in dump
    assert "13912345678" not in dump
    assert "欧阳鑫淼" not in dump and "欧***" in dump  # names are encrypted at rest, masked in lists


async def test_logs_hold_no_plaintext_identifiers(
    client: httpx.AsyncClient, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("intake", "DEBUG")
    try:
        rid = resident_id()
        body = household_body(members=[member(resident_id=rid, phone="13787654321")])
        h = headers("village_cadre", TOWNSHIP_A)
        assert (await client.post("/households", json=body, headers=h)).status_code == 201
        assert (
            await client.post("/households", json=household_body(members=[member(resident_id=rid)]), headers=h)
        ).status_code == 409
        bad = household_body(members=[member(resident_id=rid[:-1] + ("0" if rid[-1] != "0" else "1"))])
        assert (await client.post("/households", json=bad, headers=h)).status_code == 422
        from common.logging import log

        log.warning("careless call site", note=f"resident {rid} phone 13787654321")
    finally:
        configure_logging("intake", "WARNING")
    out = capsys.readouterr().out
    assert '"route": "/households"' in out  # request logs were written
    assert rid not in out and rid[:-1] not in out and "13787654321" not in out
    assert "careless call site" in out and rid[:6] + "********" in out

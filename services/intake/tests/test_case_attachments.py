"""Evidence attachments of a case's steps (the signed commitment, the village meeting's minutes): checked
against the hash and kind sent, linked to a step of the case's own procedure, served to those who may read
the household, each read audited."""

import hashlib
import json
import uuid

import httpx

from common import attachments
from contracts.audit import ACCESS_TOPIC
from devkit.kit.households import headers, register
from devkit.kit.identification import CADRE, TOWNSHIP, declare, ok
from devkit.testing.fixtures import TopicReader
from intake.config import settings

SCAN = b"%PDF-1.4\n%commitment signed by the head\n%%EOF\n"


async def test_the_signed_commitment_proves_its_step_and_only_the_households_readers_see_it(
    client: httpx.AsyncClient,
) -> None:
    household = await register(client)
    case = await declare(client, household)
    path = f"/cases/{case['id']}/attachments"
    digest = hashlib.sha256(SCAN).hexdigest()
    pdf = {**CADRE, "Content-Type": "application/pdf"}
    params = {"sha256": digest, "step": "attach_consent", "description": "农户承诺授权书（签字扫描件）"}
    stored = await ok(await client.post(path, params=params, content=SCAN, headers=pdf), 201)
    assert stored["step"] == "attach_consent" and stored["sha256"] == digest and stored["size"] == len(SCAN)
    again = await ok(await client.post(path, params=params, content=SCAN, headers=pdf), 201)
    assert again["id"] == stored["id"]

    no_step = await client.post(path, params={**params, "step": "county_sign_off"}, content=SCAN, headers=pdf)
    assert no_step.status_code == 422 and no_step.json()["errors"][0]["field"] == "step"
    lost = await client.post(path, params=params, content=SCAN[:-5], headers=pdf)
    assert lost.status_code == 422 and lost.json()["errors"][0]["field"] == "sha256"
    html = b"<html><script>alert(1)</script></html>"
    disguised = await client.post(
        path, params={**params, "sha256": hashlib.sha256(html).hexdigest()}, content=html, headers=pdf
    )
    assert disguised.status_code == 422

    listed = await ok(await client.get(path, params={"step": "attach_consent"}, headers=TOWNSHIP))
    assert [a["id"] for a in listed["items"]] == [stored["id"]]
    own = headers("household", household["region_code"], household_id=household["id"])
    async with TopicReader(settings.kafka_bootstrap_servers or "", ACCESS_TOPIC) as topic:
        file = await client.get(f"{path}/{stored['id']}", headers=own)
        assert file.status_code == 200 and file.content == SCAN and file.headers["x-content-type-options"] == "nosniff"
        read = await topic.wait_for(
            lambda m: household["id"].encode() in m.value and b"case attachment" in m.value, timeout=30
        )
    assert json.loads(read.value)["data"]["actor_role"] == "household"
    other = await register(client)
    theirs = headers("household", other["region_code"], household_id=other["id"])
    assert (await client.get(f"{path}/{stored['id']}", headers=theirs)).status_code == 404


async def test_a_file_changed_or_lost_in_the_store_is_an_integrity_problem_counted_not_a_500_trace(
    client: httpx.AsyncClient,
) -> None:
    """Issue 24: an attachment whose stored file was changed or deleted answered a bare 500. Now each is the
    `attachment-integrity` problem (in Chinese), counted for the alert, and the original sent again restores it."""
    from prometheus_client import REGISTRY

    from intake.attachments.endpoints import STORE

    household = await register(client)
    case = await declare(client, household)
    path = f"/cases/{case['id']}/attachments"
    pdf = {**CADRE, "Content-Type": "application/pdf"}
    kept = {}
    for name in ("changed", "missing"):
        scan = SCAN + f"%{uuid.uuid4()}\n".encode()  # a file of this test's own
        params = {"sha256": hashlib.sha256(scan).hexdigest(), "step": "attach_consent", "description": name}
        kept[name] = (scan, params, await ok(await client.post(path, params=params, content=scan, headers=pdf), 201))
    assert isinstance(STORE, attachments.LocalStore)
    STORE.path(kept["changed"][2]["sha256"]).write_bytes(b"%PDF-1.4\n%a forged commitment\n%%EOF\n")
    STORE.path(kept["missing"][2]["sha256"]).unlink()

    def counted(reason: str) -> float:
        return REGISTRY.get_sample_value("attachment_integrity_failures_total", {"reason": reason}) or 0

    for reason in ("changed", "missing"):
        before = counted(reason)
        r = await client.get(f"{path}/{kept[reason][2]['id']}", headers={**TOWNSHIP, "Accept-Language": "zh-CN"})
        assert r.status_code == 500 and r.headers["content-type"] == "application/problem+json"
        problem = r.json()
        assert problem["type"].endswith("/attachment-integrity") and problem["reason"] == reason
        assert problem["title"] == "附件文件完整性校验失败" and "重新上传" in problem["detail"]
        assert "Traceback" not in r.text and b"forged" not in r.content
        assert counted(reason) == before + 1

        scan, params, _ = kept[reason]  # the original sent again: kept anew, served again
        await ok(await client.post(path, params=params, content=scan, headers=pdf), 201)
        again = await client.get(f"{path}/{kept[reason][2]['id']}", headers=TOWNSHIP)
        assert again.status_code == 200 and again.content == scan

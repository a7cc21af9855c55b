"""Evidence attachments of a case's steps (the signed commitment, the village meeting's minutes): checked
against the hash and kind sent, linked to a step of the case's own procedure, served to those who may read
the household, each read audited."""

import hashlib
import json

import httpx

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

"""Evidence attachments of a measure: checked against the hash and kind sent, kept by content, served to
those who may read the household."""

import hashlib

import httpx

from devkit.kit.assistance import approved_plan, monitored
from devkit.kit.households import headers
from devkit.kit.identification import CADRE, TOWNSHIP, ok

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(200)  # a PNG's signature and header, as sent
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


async def test_a_photo_proves_a_measure_and_only_those_who_may_read_the_household_see_it(
    client: httpx.AsyncClient, intake: httpx.AsyncClient
) -> None:
    household, _ = await monitored(intake, ["illness"])
    plan = await approved_plan(client, household)
    measure = plan["measures"][0]
    path = f"/plans/{plan['id']}/measures/{measure['id']}/attachments"
    digest = hashlib.sha256(PNG).hexdigest()
    params = {"sha256": digest, "description": "医疗救助发放凭证"}
    png = {**CADRE, "Content-Type": "image/png"}
    stored = await ok(await client.post(path, params=params, content=PNG, headers=png), 201)
    assert stored["sha256"] == digest and stored["size"] == len(PNG) and stored["media_type"] == "image/png"
    again = await ok(await client.post(path, params=params, content=PNG, headers=png), 201)
    assert again["id"] == stored["id"]  # the same file on the same measure: one record

    lost = await client.post(path, params=params, content=PNG[:-10], headers=png)
    assert lost.status_code == 422 and lost.json()["errors"][0]["field"] == "sha256"
    script = b"<script>alert(1)</script>"
    disguised = await client.post(
        path, params={**params, "sha256": hashlib.sha256(script).hexdigest()}, content=script, headers=png
    )
    assert disguised.status_code == 422 and disguised.json()["errors"][0]["field"] == "body"
    html = await client.post(
        path, params={**params, "sha256": hashlib.sha256(script).hexdigest()}, content=script,
        headers={**CADRE, "Content-Type": "text/html"},
    )  # fmt: skip
    assert html.status_code == 422
    pdf = await ok(
        await client.post(
            path,
            params={"sha256": hashlib.sha256(PDF).hexdigest(), "description": "签字的救助审批表"},
            content=PDF,
            headers={**CADRE, "Content-Type": "application/pdf"},
        ),
        201,
    )

    listed = await ok(await client.get(path, headers=TOWNSHIP))
    assert [a["id"] for a in listed["items"]] == [stored["id"], pdf["id"]]
    mine = headers("household", household["region_code"], household_id=household["id"])
    file = await client.get(f"/attachments/{stored['id']}", headers=mine)
    assert file.status_code == 200 and file.content == PNG and file.headers["content-type"] == "image/png"
    assert file.headers["x-content-type-options"] == "nosniff"
    other, _ = await monitored(intake, ["illness"])
    theirs = headers("household", other["region_code"], household_id=other["id"])
    assert (await client.get(f"/attachments/{stored['id']}", headers=theirs)).status_code == 404

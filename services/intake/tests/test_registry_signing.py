"""Signed DCI messages (ADR 0020): the gateway refuses a request that is not signed by a registered sender's key
(unsigned, tampered, another key, an unknown sender, out of its time window), answers signed, publishes its
key as a JWKS, and a notification caught on a real listener verifies against that published key, with a
bearer token for its subscriber."""

import copy
import datetime as dt
import uuid
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from common import clock
from devkit.kit.assistance import identified
from devkit.kit.households import VILLAGE_A, headers, household_body, member
from devkit.kit.identification import CADRE, ok, sign_consent
from devkit.kit.registry import SENDER, SENDER_ID, registered, signed
from devkit.testing.fixtures import eventually, travel
from devkit.testing.http import Receiver, serving
from intake.config import IntakeSettings, settings
from intake.registry import signing
from intake.registry.signing import SignatureRefused

CIVIL = headers("department", "532504", sub="civil-affairs-system", department="civil-affairs")
STRANGER = signing.SigningKey(Ed25519PrivateKey.generate(), "unknown-registry")
IMPOSTOR = signing.SigningKey(Ed25519PrivateKey.generate(), SENDER_ID)  # the right name, not its key


def search_envelope(value: str = "does-not-exist", sender: str = SENDER_ID) -> dict[str, Any]:
    now = clock.now().isoformat()
    query = {"type": "HOUSEHOLD_NO", "value": value}
    return {
        "header": {"message_id": uuid.uuid4().hex, "message_ts": now, "action": "search", "sender_id": sender},
        "message": {
            "transaction_id": uuid.uuid4().hex,
            "search_request": [{"reference_id": "q", "timestamp": now, "search_criteria": {"query": query}}],
        },
    }


KEYS = {SENDER_ID: [SENDER.jwk]}


def refused(code: str, envelope: dict[str, Any], keys: dict[str, Any] = KEYS) -> None:
    with pytest.raises(SignatureRefused) as e:
        signing.verify(envelope.get("signature", ""), envelope["header"], envelope["message"], keys)
    assert e.value.extra["code"] == code


def test_a_signed_message_verifies_and_any_change_to_it_does_not() -> None:
    envelope = signed(search_envelope())
    assert signing.verify(envelope["signature"], envelope["header"], envelope["message"], KEYS) == SENDER.kid
    # Key order and spacing are the sender's JSON's, not the signed bytes: the canonical form is compared.
    reordered = {k: envelope["header"][k] for k in reversed(envelope["header"])}
    assert signing.verify(envelope["signature"], reordered, envelope["message"], KEYS) == SENDER.kid
    tampered = copy.deepcopy(envelope)
    tampered["message"]["search_request"][0]["search_criteria"]["query"]["value"] = "another"
    refused("err.signature.invalid", tampered)
    tampered = copy.deepcopy(envelope)
    tampered["header"]["action"] = "subscribe"
    refused("err.signature.invalid", tampered)


def test_another_key_an_unknown_sender_and_a_stale_signature_are_refused() -> None:
    refused("err.signature.invalid", signed(search_envelope(), IMPOSTOR))
    refused("err.sender_id.invalid", signed(search_envelope(sender=STRANGER.sender_id), STRANGER))
    # The keyId must name the header's sender: a registered sender's signature does not vouch for another name.
    borrowed = signed(search_envelope())
    borrowed["header"]["sender_id"] = STRANGER.sender_id
    refused("err.signature.invalid", borrowed, {**KEYS, STRANGER.sender_id: [STRANGER.jwk]})
    envelope = signed(search_envelope())
    with travel(clock.now() + dt.timedelta(seconds=signing.LIFETIME_S + 1)):
        refused("err.signature.invalid", envelope)
    for garbage in ("", "Signature: nonsense", 'keyId="a|b|rsa-sha256", signature="AAAA"'):
        refused("err.signature.invalid", {**envelope, "signature": garbage})


def test_the_standards_spelling_kidid_is_read_as_keyid() -> None:
    envelope = signed(search_envelope())
    spelled = envelope["signature"].replace("keyId=", "kidId=")
    assert signing.verify(spelled, envelope["header"], envelope["message"], KEYS) == SENDER.kid


def test_unsigned_is_refused_outside_development_and_the_key_is_required_in_production() -> None:
    assert settings.registry_signatures_required  # the tests run as ENVIRONMENT=test
    with pytest.raises(SignatureRefused) as e:
        signing.check(search_envelope())
    assert e.value.extra["code"] == "err.signature.missing" and e.value.status == 401
    development = IntakeSettings(_env_file=None, environment="development")
    assert development.registry_signatures_required is False and development.registry_sender_keys == {}
    with pytest.raises(ValueError, match="REGISTRY_SIGNING_KEY"):
        IntakeSettings(
            _env_file=None,
            environment="production",
            registry_signing_key_file=None,
            registry_signing_key=None,
            jwt_secret="x" * 40,
            pii_encryption_key="A" * 44,
            blind_index_key="B" * 44,
            database_url="postgresql+asyncpg://u@h/d",
            kafka_bootstrap_servers="h:9092",
        )
    with pytest.raises(ValueError, match="public Ed25519 JWK"):
        private = {**SENDER.jwk, "d": "secret"}
        IntakeSettings(_env_file=None, registry_sender_keys={SENDER_ID: [private]})


@pytest.fixture
def loopback_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "registry_notify_hosts", ["127.0.0.1"])
    monkeypatch.setattr(settings, "registry_notify_addresses", ["127.0.0.1/32"])
    monkeypatch.setattr(settings, "registry_notify_http", True)


async def test_the_gateway_takes_only_its_senders_signed_messages_and_answers_signed(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    registered(monkeypatch)
    published = await ok(await client.get("/registry/.well-known/jwks.json", headers=CIVIL))
    keys = {"safetynet": published["keys"]}
    assert [k["kid"] for k in published["keys"]] == [signing.own_key().kid]
    assert all("d" not in k for k in published["keys"])

    answer = await ok(await client.post("/registry/sync/search", json=signed(search_envelope()), headers=CIVIL))
    assert signing.verify(answer["signature"], answer["header"], answer["message"], keys) == signing.own_key().kid

    tampered = signed(search_envelope())
    tampered["message"]["search_request"][0]["search_criteria"]["query"]["value"] = "another"
    cases = {
        "err.signature.invalid": tampered,
        "err.sender_id.invalid": signed(search_envelope(sender=STRANGER.sender_id), STRANGER),
        "err.signature.missing": search_envelope(),
    }
    for code, body in cases.items():
        refusal = await client.post("/registry/sync/search", json=body, headers=CIVIL)
        assert refusal.status_code == 401, (code, refusal.text)
        assert refusal.headers["content-type"].startswith("application/json")  # the standard's, not problem+json
        assert refusal.json()["errors"][0]["code"] == code
    impostor = signed(search_envelope(), IMPOSTOR)
    refusal = await client.post("/registry/sync/search", json=impostor, headers=CIVIL)
    assert refusal.json()["errors"][0]["code"] == "err.signature.invalid"


@pytest.mark.usefixtures("loopback_allowed")
async def test_a_notification_verifies_against_the_published_key_and_carries_a_bearer_token(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    registered(monkeypatch)
    receiver = Receiver()
    async with serving(receiver.app) as base:
        now = clock.now().isoformat()
        request = {"reference_id": "s", "timestamp": now, "subscribe_criteria": {"reg_event_type": ["monitored"]}}
        subscribe = {
            "header": {
                "message_id": uuid.uuid4().hex,
                "message_ts": now,
                "action": "subscribe",
                "sender_id": SENDER_ID,
                "sender_uri": f"{base}/notify",
            },
            "message": {"transaction_id": uuid.uuid4().hex, "subscribe_request": [request]},
        }
        answer = await ok(await client.post("/registry/subscribe", json=signed(subscribe), headers=CIVIL))
        assert answer["message"]["ack_status"] == "ACK"

        async def made() -> str | None:
            answers = [b for b in receiver.received if b["header"]["action"] == "on-subscribe"]
            return answers[0]["message"]["subscribe_response"][0]["subscriptions"][0]["code"] if answers else None

        code = await eventually(made, timeout=30)
        head = member(labour_capacity="full")
        household = await ok(
            await client.post("/households", json=household_body(VILLAGE_A, members=[head]), headers=CADRE), 201
        )
        await sign_consent(client, household, scopes=("asset_check", "data_sharing"))
        await identified(client, household, ["illness"])

        async def arrived() -> tuple[dict[str, Any], str | None] | None:
            pairs = zip(receiver.received, receiver.authorizations, strict=True)
            notified = [p for p in pairs if p[0]["header"]["action"] == "notify"]
            return next((p for p in notified if p[0]["message"]["notify_event"][0]["subscription_code"] == code), None)

        notification, authorization = await eventually(arrived, timeout=60)
        published = await ok(await client.get("/registry/.well-known/jwks.json", headers=CIVIL))
        keys = {"safetynet": published["keys"]}
        kid = signing.verify(notification["signature"], notification["header"], notification["message"], keys)
        assert kid == published["keys"][0]["kid"]
        changed = copy.deepcopy(notification)
        changed["message"]["notify_event"][0]["data"]["reg_event_type"] = "eliminated"
        with pytest.raises(SignatureRefused):
            signing.verify(changed["signature"], changed["header"], changed["message"], keys)

        assert authorization is not None and authorization.startswith("Bearer ")
        token = authorization.removeprefix("Bearer ")
        assert jwt.get_unverified_header(token)["kid"] == kid
        claims = jwt.decode(
            token,
            jwt.PyJWK(published["keys"][0]).key,
            algorithms=["EdDSA"],
            audience="civil-affairs-system",
            options={"verify_exp": False, "verify_iat": False},  # judged by the scenario's clock below
        )
        assert claims["iss"] == "safetynet" and claims["exp"] > clock.timestamp()
        await ok(
            await client.post(
                "/registry/unsubscribe",
                json=signed(
                    {
                        "header": {**subscribe["header"], "message_id": uuid.uuid4().hex, "action": "unsubscribe"},
                        "message": {"transaction_id": uuid.uuid4().hex, "subscription_codes": [code]},
                    }
                ),
                headers=CIVIL,
            )
        )

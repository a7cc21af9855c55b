"""The deployments start: every setting a service requires at start in production is given to it by compose
and by the Kubernetes manifests (read offline, each service's settings built from exactly what it is given),
each service gets only the secrets it needs, migrations run as their own job before it, and the build context
carries no environment and no data."""

import base64
import os
import re
from pathlib import Path
from typing import Any
from unittest import mock

import jwt
import pytest
import yaml
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from assistance.config import AssistanceSettings
from common import clock
from common.auth import TokenVerifier
from common.settings import CommonSettings
from intake.config import IntakeSettings
from ledger.config import LedgerSettings
from screening.config import ScreeningSettings

ROOT = Path(__file__).resolve().parents[2]
SETTINGS: dict[str, type[CommonSettings]] = {
    "intake": IntakeSettings,
    "screening": ScreeningSettings,
    "assistance": AssistanceSettings,
    "ledger": LedgerSettings,
}
SECRETS = {"PII_ENCRYPTION_KEY", "BLIND_INDEX_KEY", "LEDGER_SIGNING_KEY", "JWT_SECRET"}
NEEDED = {
    "intake": {"PII_ENCRYPTION_KEY", "BLIND_INDEX_KEY"},
    "screening": {"PII_ENCRYPTION_KEY", "BLIND_INDEX_KEY"},
    "assistance": set(),
    "ledger": {"BLIND_INDEX_KEY", "LEDGER_SIGNING_KEY"},
}
KEY = base64.b64encode(bytes(range(32))).decode()


def placeholder(name: str) -> str:
    """A value of the right shape for a setting an operator provides."""
    if name.endswith("_KEY") and name not in ("JWT_PUBLIC_KEY",):
        return KEY
    if name.endswith("DATABASE_URL") or name == "DATABASE_URL":
        return "postgresql://user:secret@db:5432/safetynet"
    return "provided-by-ops"


# What an operator with an identity provider sets beside the required variables (docs/identity.md).
WITH_PROVIDER = {"JWT_JWKS_URL": "https://sso.example.gov.cn/realms/safetynet/protocol/openid-connect/certs"}


def interpolate(value: Any, operator: dict[str, str] | None = None) -> Any:
    """Compose's ${VAR:?message}, ${VAR:-default} and ${VAR:+replacement} in the environment of an operator who
    set `operator` (by default: the identity provider's keys) and every required variable."""
    if not isinstance(value, str):
        return value
    given = WITH_PROVIDER if operator is None else operator

    def sub(m: re.Match[str]) -> str:
        name, op, rest = m.group(1), m.group(2), m.group(3)
        if op == ":-":
            return given.get(name) or rest
        if op == ":+":
            return rest if given.get(name) else ""
        return given.get(name) or placeholder(name)

    return re.sub(r"\$\{([A-Z_]+)(:\?|:-|:\+)([^}]*)\}", sub, value)


def settings_from(service: str, env: dict[str, str]) -> CommonSettings:
    """The service's settings from exactly `env` (not this process's environment)."""
    with mock.patch.dict(os.environ, env, clear=True):  # read as the service reads it: from its environment
        return SETTINGS[service](_env_file=None)  # type: ignore[call-arg]


COMPOSE = yaml.safe_load((ROOT / "deploy/compose.yaml").read_text())
K8S = [d for f in sorted((ROOT / "deploy/k8s").glob("*.yaml")) for d in yaml.safe_load_all(f.read_text()) if d]


@pytest.mark.parametrize("service", list(SETTINGS))
def test_compose_gives_each_service_what_it_needs_at_start_and_no_other_secret(service: str) -> None:
    for name in (service, f"{service}-migrate"):
        env = {k: interpolate(v) for k, v in COMPOSE["services"][name]["environment"].items()}
        assert env["ENVIRONMENT"] == "production"
        settings = settings_from(service, env)  # raises if a required setting is missing
        assert settings.environment == "production"
        assert SECRETS & set(env) == NEEDED[service], name
    running = COMPOSE["services"][service]
    assert running["environment"]["RUN_MIGRATIONS"] == "false"
    assert running["depends_on"][f"{service}-migrate"] == {"condition": "service_completed_successfully"}
    assert COMPOSE["services"][f"{service}-migrate"]["command"] == ["python", "-m", "common.migrations", service]


def _compose_env(name: str, operator: dict[str, str]) -> dict[str, str]:
    """A compose service's environment as it starts, with each file compose gives it by the path it reads it:
    a config's target in the container is its source on the host here."""
    spec = COMPOSE["services"][name]
    env = {k: interpolate(v, operator) for k, v in spec["environment"].items()}
    mounted = {c["target"]: interpolate(COMPOSE["configs"][c["source"]]["file"], operator) for c in spec["configs"]}
    return {k: mounted.get(v, v) for k, v in env.items()}


def test_compose_starts_without_an_identity_provider_on_the_local_issuers_public_key(tmp_path: Path) -> None:
    """An intranet without an identity provider sets JWT_PUBLIC_KEY_FILE (docs/identity.md): every service, and
    every migration job, verifies the local issuer's tokens with the public key alone; no JWKS URL, no secret."""
    issuer = Ed25519PrivateKey.generate()
    public = tmp_path / "jwt-public.pem"
    public.write_bytes(
        issuer.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    operator = {"JWT_ALGORITHM": "EdDSA", "JWT_PUBLIC_KEY_FILE": str(public)}  # and the required ones
    now = int(clock.timestamp())
    raw = jwt.encode(
        {"sub": "zhang.wei", "role": "township_officer", "region": "532504102", "aud": "safetynet",
         "iss": placeholder("JWT_ISSUER"), "iat": now, "exp": now + 3600},
        issuer,
        algorithm="EdDSA",
    )  # fmt: skip
    for service in SETTINGS:
        for name in (service, f"{service}-migrate"):
            env = _compose_env(name, operator)
            assert not env["JWT_JWKS_URL"] and "JWT_SECRET" not in env, name
            settings = settings_from(service, env)
            assert settings.jwt_algorithm == "EdDSA" and settings.jwt_public_key == public.read_text(), name
            principal = TokenVerifier(settings).verify(raw)
            assert (principal.role, principal.region) == ("township_officer", "532504102")


def test_compose_with_neither_the_providers_keys_nor_a_public_key_refuses_to_start() -> None:
    env = _compose_env("intake", {})
    with pytest.raises(ValueError, match="JWT_PUBLIC_KEY_FILE"):
        settings_from("intake", env)


def test_a_private_key_given_as_the_public_key_file_is_refused(tmp_path: Path) -> None:
    leaked = tmp_path / "issuer-private.pem"
    leaked.write_bytes(
        Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    env = _compose_env("intake", {"JWT_ALGORITHM": "EdDSA", "JWT_PUBLIC_KEY_FILE": str(leaked)})
    with pytest.raises(ValueError, match="must hold a PEM public key, and only that"):
        settings_from("intake", env)


def test_compose_runs_the_ledger_as_its_read_and_append_role() -> None:
    assert COMPOSE["services"]["ledger"]["environment"]["DATABASE_URL"].startswith("postgresql://ledger_app:")
    assert COMPOSE["services"]["ledger-migrate"]["environment"]["LEDGER_APP_ROLE"] == "ledger_app"


def _kind(kind: str, name: str) -> dict[str, Any]:
    return next(d for d in K8S if d["kind"] == kind and d["metadata"]["name"] == name)


def _env_of(container: dict[str, Any]) -> tuple[dict[str, str], set[tuple[str, str]]]:
    """A container's environment as the cluster gives it, and the (Secret, key) pairs it reads."""
    config = _kind("ConfigMap", "safetynet-config")["data"]
    env: dict[str, str] = {}
    secrets = set()
    for source in container.get("envFrom", []):
        assert "secretRef" not in source, "a whole Secret is every key of it: name the keys"
        env |= config
    for item in container.get("env", []):
        ref = item.get("valueFrom", {}).get("secretKeyRef")
        if ref:
            secrets.add((ref["name"], ref["key"]))
            env[item["name"]] = placeholder(ref["key"])
        elif "value" in item:
            env[item["name"]] = item["value"]
        else:
            env[item["name"]] = "from-the-pod"
    return env, secrets


@pytest.mark.parametrize("service", list(SETTINGS))
def test_kubernetes_gives_each_service_what_it_needs_from_its_own_secret(service: str) -> None:
    for kind, name in (("Deployment", service), ("Job", f"{service}-migrate")):
        (container,) = _kind(kind, name)["spec"]["template"]["spec"]["containers"]
        env, secrets = _env_of(container)
        settings_from(service, env)  # raises if a required setting is missing
        assert {s for s, _ in secrets} == {f"{service}-secrets"}, name
        assert SECRETS & {k for _, k in secrets} == NEEDED[service], name
        if kind == "Deployment":
            assert env["RUN_MIGRATIONS"] == "false"
        else:
            assert container["command"] == ["python", "-m", "common.migrations", service]
    assert _kind("NetworkPolicy", service)["spec"]["podSelector"]["matchLabels"] == {"app.kubernetes.io/name": service}


def test_kubernetes_denies_by_default_and_scales_screening_on_its_lag() -> None:
    assert _kind("NetworkPolicy", "default-deny")["spec"] == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
    hpa = _kind("HorizontalPodAutoscaler", "screening")["spec"]
    assert hpa["metrics"][0]["external"]["metric"]["name"] == "kafka_consumergroup_lag"
    assert hpa["maxReplicas"] == CommonSettings.model_fields["dept_topic_partitions"].default  # more would idle


def test_the_build_context_leaves_out_the_environment_and_the_data() -> None:
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".venv", ".data", ".git", ".env"} <= set(ignored)


def test_every_image_the_cluster_runs_is_set_by_the_release() -> None:
    """Each Deployment's and Job's image is named in the kustomization the release pins (registry, digest)."""
    kustomization = yaml.safe_load((ROOT / "deploy/k8s/kustomization.yml").read_text())
    released = {i["name"] for i in kustomization["images"]}
    used = {
        c["image"].split(":")[0]
        for d in K8S
        if d["kind"] in ("Deployment", "Job")
        for c in d["spec"]["template"]["spec"]["containers"]
    }
    assert used == released == {f"safetynet/{s}" for s in SETTINGS}
    listed = set(kustomization["resources"])
    assert listed == {p.name for p in (ROOT / "deploy/k8s").glob("*.yaml")}


def test_the_deployments_name_where_registry_notifications_may_go() -> None:
    """Notify targets are denied by default: each deployment states its allow-list (compose from the operator's
    environment, the cluster in its manifest), and neither turns on plain http."""
    compose = COMPOSE["services"]["intake"]["environment"]
    assert {"REGISTRY_NOTIFY_HOSTS", "REGISTRY_NOTIFY_ADDRESSES"} <= set(compose)
    (container,) = _kind("Deployment", "intake")["spec"]["template"]["spec"]["containers"]
    env, _ = _env_of(container)
    settings = settings_from("intake", env)
    assert settings.registry_notify_hosts and not settings.registry_notify_http  # type: ignore[attr-defined]
    assert "REGISTRY_NOTIFY_HTTP" not in compose and "REGISTRY_NOTIFY_HTTP" not in env

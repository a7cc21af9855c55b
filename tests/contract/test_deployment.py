"""The deployments start, and start again: every setting a service requires at start in production is given to
it by compose and by the Kubernetes manifests (read offline, each service's settings built from exactly what it
is given), each service gets only the secrets it needs, migrations run as the schema's owner before it (a
compose job; an init container of each pod), a second `kubectl apply -k` of a new release is accepted and a
config change rolls the Deployments, and the build context carries no environment and no data."""

import base64
import copy
import hashlib
import json
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
SECRETS = {"PII_ENCRYPTION_KEY", "BLIND_INDEX_KEY", "LEDGER_SIGNING_KEY", "REGISTRY_SIGNING_KEY", "JWT_SECRET"}
NEEDED = {
    "intake": {"PII_ENCRYPTION_KEY", "BLIND_INDEX_KEY", "REGISTRY_SIGNING_KEY"},
    "screening": {"PII_ENCRYPTION_KEY", "BLIND_INDEX_KEY"},
    "assistance": {"BLIND_INDEX_KEY"},  # free text keeps a typed number as its pseudonym (ADR 0025)
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
KUSTOMIZATION = yaml.safe_load((ROOT / "deploy/k8s/kustomization.yml").read_text())
CONFIG = "safetynet-config"


def env_file(path: Path) -> dict[str, str]:
    """A kustomize env file as kustomize reads it: KEY=value a line, the value as written; # comments."""
    out = {}
    for line in path.read_text().splitlines():
        line = line.lstrip()
        if line and not line.startswith("#"):
            key, sep, value = line.partition("=")
            assert sep and re.fullmatch(r"[A-Z_][A-Z0-9_]*", key), line
            out[key] = value
    return out


def generated_config() -> dict[str, str]:
    """The data of the ConfigMap the kustomization generates (safetynet-config-<hash>)."""
    (generator,) = [g for g in KUSTOMIZATION["configMapGenerator"] if g["name"] == CONFIG]
    data: dict[str, str] = {}
    for name in generator["envs"]:
        data |= env_file(ROOT / "deploy/k8s" / name)
    return data


def pod_containers(doc: dict[str, Any]) -> list[dict[str, Any]]:
    spec = doc["spec"]["template"]["spec"]
    return [*spec.get("initContainers", []), *spec["containers"]]


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
    env: dict[str, str] = {}
    secrets = set()
    for source in container.get("envFrom", []):
        assert "secretRef" not in source, "a whole Secret is every key of it: name the keys"
        assert source["configMapRef"]["name"] == CONFIG, "the generated ConfigMap (its name rewritten by kustomize)"
        env |= generated_config()
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
    pod = _kind("Deployment", service)["spec"]["template"]["spec"]
    (migrate,) = pod["initContainers"]
    (running,) = pod["containers"]
    for container in (migrate, running):
        env, secrets = _env_of(container)
        settings_from(service, env)  # raises if a required setting is missing
        assert {s for s, _ in secrets} == {f"{service}-secrets"}, container["name"]
        assert SECRETS & {k for _, k in secrets} == NEEDED[service], container["name"]
        if container is running:
            assert env["RUN_MIGRATIONS"] == "false"
            assert (f"{service}-secrets", "MIGRATION_DATABASE_URL") not in secrets  # the owner's, only to migrate
        else:
            assert container["command"] == ["python", "-m", "common.migrations", service]
            assert (f"{service}-secrets", "MIGRATION_DATABASE_URL") in secrets
    assert _kind("NetworkPolicy", service)["spec"]["podSelector"]["matchLabels"] == {"app.kubernetes.io/name": service}


def test_the_console_is_given_its_sign_in_and_session_key_and_no_service_secret() -> None:
    """The console (ADR 0031) starts in production from what compose and the cluster give it: the identity
    provider's endpoints, its own session key, the services' addresses; never a database or a service's key."""
    from console.config import ConsoleSettings

    compose = {k: interpolate(v) for k, v in COMPOSE["services"]["console"]["environment"].items()}
    (container,) = _kind("Deployment", "console")["spec"]["template"]["spec"]["containers"]
    cluster, secrets = _env_of(container)
    assert secrets == {("console-secrets", "CONSOLE_SESSION_KEY")}
    for env in (compose, cluster):
        with mock.patch.dict(os.environ, env, clear=True):
            settings = ConsoleSettings(_env_file=None)  # type: ignore[call-arg]
        assert settings.environment == "production" and settings.oidc_configured
        assert not SECRETS & set(env) and "DATABASE_URL" not in env
    policy = _kind("NetworkPolicy", "console")["spec"]
    assert policy["podSelector"]["matchLabels"] == {"app.kubernetes.io/name": "console"}


def test_kubernetes_denies_by_default_and_scales_screening_on_its_lag() -> None:
    assert _kind("NetworkPolicy", "default-deny")["spec"] == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
    hpa = _kind("HorizontalPodAutoscaler", "screening")["spec"]
    assert hpa["metrics"][0]["external"]["metric"]["name"] == "kafka_consumergroup_lag"
    assert hpa["maxReplicas"] == CommonSettings.model_fields["dept_topic_partitions"].default  # more would idle


def test_the_build_context_leaves_out_the_environment_and_the_data() -> None:
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".venv", ".data", ".git", ".env"} <= set(ignored)


def test_every_image_the_cluster_runs_is_set_by_the_release() -> None:
    """Each container's image (init containers too) is named in the kustomization the release pins (registry,
    digest)."""
    released = {i["name"] for i in KUSTOMIZATION["images"]}
    used = {c["image"].split(":")[0] for d in K8S if "template" in d.get("spec", {}) for c in pod_containers(d)}
    assert used == released == {f"safetynet/{s}" for s in (*SETTINGS, "console")}
    listed = set(KUSTOMIZATION["resources"])
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


# The kinds whose pod template `kubectl apply` may change. A Job's template (and a bare Pod) is immutable once
# created: a fixed-name Job of the last release, kept for its TTL, refuses the next release's image.
MUTABLE_POD_TEMPLATES = {"Deployment", "StatefulSet", "DaemonSet"}


def release(tag: str) -> dict[str, str]:
    """The images a release pins (kustomize edit set image), by the name the manifests use."""
    return {i["name"]: f"{i['newName']}:{tag}" for i in KUSTOMIZATION["images"]}


def render(images: dict[str, str], config: dict[str, str]) -> dict[tuple[str, str], dict[str, Any]]:
    """What `kubectl apply -k` sends, modelled offline for the properties tested here as kustomize builds it:
    every container's image replaced by the release's, the generated ConfigMap named with a hash of its content,
    and every reference to it renamed."""
    digest = hashlib.sha256(json.dumps(config, sort_keys=True).encode()).hexdigest()[:10]
    generated = f"{CONFIG}-{digest}"
    out: dict[tuple[str, str], dict[str, Any]] = {
        ("ConfigMap", generated): {"kind": "ConfigMap", "metadata": {"name": generated}, "data": config}
    }
    for doc in copy.deepcopy(K8S):
        if "template" in doc.get("spec", {}):
            for container in pod_containers(doc):
                container["image"] = images[container["image"].split(":")[0]]
                for source in container.get("envFrom", []):
                    if source.get("configMapRef", {}).get("name") == CONFIG:
                        source["configMapRef"]["name"] = generated
        out[(doc["kind"], doc["metadata"]["name"])] = doc
    return out


def test_a_second_apply_of_a_new_release_changes_only_what_the_cluster_lets_apply_change() -> None:
    """No Job (nor bare Pod) with an image: a new release's apply changes the Deployments' pod templates and
    nothing immutable, so the cluster accepts it; the same release applied again changes nothing."""
    config = generated_config()
    first, second = render(release("1.0.0"), config), render(release("1.1.0"), config)
    assert not [key for key, doc in first.items() if key[0] in ("Job", "Pod")]
    with_pods = {key for key, doc in first.items() if "template" in doc.get("spec", {})}
    assert {kind for kind, _ in with_pods} <= MUTABLE_POD_TEMPLATES
    changed = {key for key in second if first.get(key) != second[key]}
    assert changed == {("Deployment", s) for s in (*SETTINGS, "console")}
    assert render(release("1.0.0"), config) == first
    for _, name in with_pods:  # a Deployment's selector is immutable: it names the service, never a release
        deployment = first[("Deployment", name)]["spec"]
        assert deployment["selector"]["matchLabels"] == {"app.kubernetes.io/name": name}
        assert deployment["selector"]["matchLabels"].items() <= deployment["template"]["metadata"]["labels"].items()


@pytest.mark.parametrize("service", list(SETTINGS))
def test_each_pod_migrates_its_schema_first_and_its_service_waits_for_it(service: str) -> None:
    """The init container `migrate` runs the release's own migrations (its image) as the schema's owner before
    the service starts; the service (RUN_MIGRATIONS=false) waits for its schema at head, and gives up, saying
    so, before its startup probe would kill it without a word."""
    pod = _kind("Deployment", service)["spec"]["template"]["spec"]
    (migrate,) = pod["initContainers"]
    (running,) = pod["containers"]
    assert migrate["name"] == "migrate" and "restartPolicy" not in migrate  # runs to completion, not a sidecar
    assert migrate["image"] == running["image"]
    assert migrate["command"] == ["python", "-m", "common.migrations", service]
    settings = settings_from(service, _env_of(running)[0])
    assert not settings.run_migrations
    probe = running["startupProbe"]
    assert 0 < settings.schema_wait_s < probe["periodSeconds"] * probe["failureThreshold"]
    # The pod's own network policy lets the init container reach the database.
    egress = _kind("NetworkPolicy", service)["spec"]["egress"]
    assert any({"protocol": "TCP", "port": 5432} in rule.get("ports", []) for rule in egress)


def test_a_config_change_rolls_every_deployment() -> None:
    """The shared settings are a generated ConfigMap whose name carries a hash of its content: a changed setting
    is a changed pod template in every Deployment, which rolls it. No fixed-name ConfigMap is left to edit in
    place (an edit that would restart nothing)."""
    (generator,) = KUSTOMIZATION["configMapGenerator"]
    assert generator["name"] == CONFIG
    options = [KUSTOMIZATION.get("generatorOptions", {}), generator.get("options", {})]
    assert not any(o.get("disableNameSuffixHash") for o in options)
    assert not [d for d in K8S if d["kind"] == "ConfigMap"]
    for service in SETTINGS:
        for container in pod_containers(_kind("Deployment", service)):
            assert {"configMapRef": {"name": CONFIG}} in container["envFrom"], (service, container["name"])
    config = generated_config()
    before = render(release("1.0.0"), config)
    after = render(release("1.0.0"), config | {"LOG_LEVEL": "DEBUG"})
    changed = {key for key in after if before.get(key) != after[key]}
    assert {("Deployment", s) for s in SETTINGS} <= changed

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

import pytest
import yaml

from assistance.config import AssistanceSettings
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


def interpolate(value: Any) -> Any:
    """Compose's ${VAR:?message} and ${VAR:-default}: a required variable as an operator would set it."""
    if not isinstance(value, str):
        return value

    def sub(m: re.Match[str]) -> str:
        name, op, rest = m.group(1), m.group(2), m.group(3)
        return rest if op == ":-" else placeholder(name)

    return re.sub(r"\$\{([A-Z_]+)(:\?|:-)([^}]*)\}", sub, value)


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

"""The alert rules and the dashboard in deploy/monitoring watch metrics the services expose: every metric
they name is one of ours (a renamed metric would leave an alert silent)."""

import json
import re
from pathlib import Path

import yaml
from prometheus_client import REGISTRY

import common.metrics  # noqa: F401  (registers the metrics)
from common.app import create_app  # noqa: F401  (and whatever the app registers)

ROOT = Path(__file__).resolve().parents[2] / "deploy/monitoring"
SUFFIXES = ("_total", "_bucket", "_count", "_sum", "_created")


def ours() -> set[str]:
    names = set()
    for collector in list(REGISTRY._collector_to_names):  # every registered collector's sample names
        names |= set(REGISTRY._collector_to_names[collector])
    return names


def named(expr: str) -> set[str]:
    words = set(re.findall(r"\b[a-z_][a-z0-9_]*\b", re.sub(r"\{[^}]*\}|\"[^\"]*\"", "", expr)))
    return {w for w in words if "_" in w and w not in {"histogram_quantile", "legend_format"}}


def test_every_alert_and_panel_watches_a_metric_we_expose() -> None:
    rules = yaml.safe_load((ROOT / "alerts.yaml").read_text())["groups"][0]["rules"]
    dashboard = json.loads((ROOT / "dashboard.json").read_text())
    exprs = [r["expr"] for r in rules] + [t["expr"] for p in dashboard["panels"] for t in p["targets"]]
    exposed = ours()
    for expr in exprs:
        metrics = {m for m in named(expr) if m.endswith(SUFFIXES) or m.split("_")[0] in {
            "consumer", "outbox", "events", "screening", "http"}}  # fmt: skip
        assert metrics, expr
        for m in metrics:
            assert m in exposed, (m, expr)
    alerts = {r["alert"] for r in rules}
    assert {"ConsumerFallingBehind", "OutboxStuck", "EventsDeadLettered", "RelayFailing", "PolicyMissing"} <= alerts

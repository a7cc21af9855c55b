"""The published contracts: OpenAPI per service, AsyncAPI for the topics, a JSON Schema per event type.

`write_specs` regenerates them; `check_specs` lists files that differ from the code (CI fails on drift).
`openapi/contracts-baseline.json` holds every event schema ever published in a major version: it only
moves forward additively, so a breaking change inside a major version fails the contract test.
"""

import json
from importlib import import_module
from pathlib import Path
from typing import Any

import yaml

from common.app import ServiceSpec
from contracts.base import SCHEMA_BASE, EventContract
from contracts.topics import TOPICS, dlq_of
from safetynet_cli import topics as service_topics

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "openapi"
SERVICES = service_topics.SERVICES
README = ROOT / "README.md"
BASELINE = OUT / "contracts-baseline.json"


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def event_schema(contract: type[EventContract]) -> dict[str, Any]:
    schema = contract.model_json_schema(mode="serialization")
    schema["$id"] = contract.dataschema()
    schema["description"] = (contract.__doc__ or "").strip()
    return schema


def asyncapi(by_service: dict[str, ServiceSpec]) -> dict[str, Any]:
    channels: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for topic in TOPICS.values():
        refs = {}
        for c in topic.contracts:
            name = c.__name__
            messages[name] = {
                "name": c.type,
                "title": name,
                "summary": (c.__doc__ or "").strip(),
                "contentType": "application/cloudevents+json",
                "payload": {"$ref": f"./schemas/{topic.name}/{c.type}.json"},
                "headers": {
                    "type": "object",
                    "properties": {"content-type": {"const": "application/cloudevents+json"}},
                },
                "bindings": {"kafka": {"key": {"type": "string", "description": "household id (CloudEvents subject)"}}},
            }
            refs[name] = {"$ref": f"#/components/messages/{name}"}
        channels[topic.name] = {"address": topic.name, "description": topic.description, "messages": refs}
        channels[dlq_of(topic.name)] = {
            "address": dlq_of(topic.name),
            "description": f"Dead letters of {topic.name}: the original key and value, the reason in header dlq-reason",
            "messages": {},
        }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "safetynet events",
            "version": "1.0.0",
            "description": (
                "Every event is a CloudEvents 1.0 structured-mode JSON message keyed by household id. The `data` of "
                f"each type follows the JSON Schema named by its `dataschema` ({SCHEMA_BASE}<topic>/<type>.json), "
                "published beside this file. Consumers dedupe by (source, id)."
            ),
        },
        "channels": channels,
        "operations": service_topics.operations(by_service),
        "components": {"messages": messages},
    }


def generated() -> dict[Path, str]:
    files: dict[Path, str] = {}
    for name in SERVICES:
        app = import_module(f"{name}.main").app
        files[OUT / f"{name}.json"] = _json(app.openapi())
    by_service = service_topics.specs()
    for topic in TOPICS.values():
        for c in topic.contracts:
            files[OUT / "schemas" / topic.name / f"{c.type}.json"] = _json(event_schema(c))
    files[OUT / "asyncapi.yaml"] = yaml.safe_dump(asyncapi(by_service), allow_unicode=True, sort_keys=False)
    files[README] = service_topics.readme(README.read_text(encoding="utf-8"), by_service)
    return files


def write_specs() -> list[Path]:
    files = generated()
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    advance_baseline()
    return [*files, BASELINE]


def check_specs() -> list[Path]:
    return [p for p, text in generated().items() if not p.exists() or p.read_text(encoding="utf-8") != text]


def current_contracts() -> dict[str, dict[str, Any]]:
    return {f"{t.name} {c.type}": event_schema(c) for t in TOPICS.values() for c in t.contracts}


def advance_baseline() -> None:
    """Record new event types and additive changes; refuse to record a breaking one."""
    from safetynet_cli.compat import breaking_changes

    baseline = json.loads(BASELINE.read_text()) if BASELINE.exists() else {}
    current = current_contracts()
    problems = [p for key, old in baseline.items() for p in breaking_changes(key, old, current.get(key))]
    if problems:
        raise SystemExit("breaking event contract changes (publish a new major topic instead):\n" + "\n".join(problems))
    BASELINE.write_text(_json({**baseline, **current}), encoding="utf-8")

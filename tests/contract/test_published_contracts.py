"""The published specs match the code, and event contracts only change additively within a major version."""

import json

import pytest

from safetynet_cli.compat import breaking_changes
from safetynet_cli.specs import BASELINE, check_specs, current_contracts


def test_committed_specs_match_the_code() -> None:
    stale = check_specs()
    assert not stale, f"out of date (run `make openapi`): {[str(p) for p in stale]}"


def test_every_published_event_contract_is_still_readable() -> None:
    baseline = json.loads(BASELINE.read_text())
    current = current_contracts()
    problems = [p for key, old in baseline.items() for p in breaking_changes(key, old, current.get(key))]
    assert not problems, "\n".join(problems)


OLD = {
    "type": "object",
    "required": ["a"],
    "properties": {
        "a": {"type": "string"},
        "b": {"$ref": "#/$defs/Grade"},
        "c": {"type": "array", "items": {"type": "integer"}},
    },
    "$defs": {"Grade": {"enum": ["red", "orange"], "type": "string"}},
}


def _with(**changes: object) -> dict:
    new = json.loads(json.dumps(OLD))
    for path, value in changes.items():
        target = new
        *parents, last = path.split("__")
        for p in parents:
            target = target[p]
        if value is None:
            del target[last]
        else:
            target[last] = value
    return new


@pytest.mark.parametrize(
    ("new", "complaint"),
    [
        (_with(properties__a=None), "property removed"),
        (_with(properties__a={"type": "integer"}), "type changed"),
        (_with(required=["a", "c"]), "newly required"),
        (_with(**{"$defs__Grade__enum": ["red"]}), "enum values removed"),
        (_with(properties__c={"type": "array", "items": {"type": "string"}}), "type changed"),
        (None, "event type removed"),
    ],
)
def test_breaking_changes_are_caught(new: dict | None, complaint: str) -> None:
    assert any(complaint in p for p in breaking_changes("t e", OLD, new))


def test_additive_changes_pass() -> None:
    new = _with(properties__d={"type": "string"}, **{"$defs__Grade__enum": ["red", "orange", "yellow"]})
    assert breaking_changes("t e", OLD, new) == []

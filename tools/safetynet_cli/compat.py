"""Is a new JSON Schema of an event a compatible (additive) change of the old one?

Consumers written against the old schema must still read every new event: no property may disappear
or change type, no new property may become required, no enum value may disappear.
"""

from typing import Any


def breaking_changes(key: str, old: dict[str, Any], new: dict[str, Any] | None) -> list[str]:
    if new is None:
        return [f"{key}: event type removed"]
    problems: list[str] = []
    _compare(f"{key}", old, new, old.get("$defs", {}), new.get("$defs", {}), problems)
    return problems


def _compare(
    where: str,
    old: dict[str, Any],
    new: dict[str, Any],
    old_defs: dict[str, Any],
    new_defs: dict[str, Any],
    problems: list[str],
    seen: frozenset[str] = frozenset(),
) -> None:
    old, new = _resolve(old, old_defs), _resolve(new, new_defs)
    if _kind(old) != _kind(new):
        problems.append(f"{where}: type changed from {_kind(old)} to {_kind(new)}")
        return
    if "enum" in old:
        gone = set(old["enum"]) - set(new.get("enum", old["enum"]))
        if gone:
            problems.append(f"{where}: enum values removed {sorted(gone)}")
    newly_required = set(new.get("required", [])) - set(old.get("required", []))
    if newly_required:
        problems.append(f"{where}: newly required {sorted(newly_required)}")
    for name, old_prop in old.get("properties", {}).items():
        if name not in new.get("properties", {}):
            problems.append(f"{where}.{name}: property removed")
            continue
        ref = old_prop.get("$ref", "")
        if ref in seen:
            continue
        _compare(f"{where}.{name}", old_prop, new["properties"][name], old_defs, new_defs, problems, seen | {ref})
    if "items" in old and "items" in new:
        _compare(f"{where}[]", old["items"], new["items"], old_defs, new_defs, problems, seen)


def _resolve(schema: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref", "")
    return defs.get(ref.rsplit("/", 1)[-1], schema) if ref.startswith("#/$defs/") else schema


def _kind(schema: dict[str, Any]) -> str:
    if "anyOf" in schema:
        return "anyOf(" + ",".join(sorted(str(s.get("type", s.get("$ref", "?"))) for s in schema["anyOf"])) + ")"
    return str(schema.get("type", "enum" if "enum" in schema else "object" if "properties" in schema else "any"))

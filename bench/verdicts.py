"""The benchmark's targets (issue "speed where the volume is") and the verdicts computed from the figures
of a run: docs/benchmarks.md shows each target and whether the figure beside it meets it, never a verdict
typed by hand. Nothing here is asserted in the tests: a target is a goal for people to judge."""

import operator
import re
from collections.abc import Callable

# figure key -> (comparison, target). The figure is the one `make bench` writes under the same key.
TARGETS: dict[str, tuple[str, float]] = {
    "reg_ratio": (">=", 0.25),  # registration over REST / bare FastAPI + asyncpg insert
    "import_rate": (">=", 1000),  # a county's file imported, households/s (300,000 in five minutes)
    "relay_rate": (">=", 5000),  # outbox rows to the broker, events/s
    "feed_ratio": (">=", 0.5),  # department feed to alert / aiokafka consume + COPY
    "lat_p99": ("<", 250),  # event to alert at the latency rate, ms
    "rescreen_ratio": ("<=", 3),  # re-screening / one COPY of the profiles, scanned
    "plan_ratio": (">=", 0.1),  # plan drafting / reading the same cases
    "eval_ratio": (">=", 0.5),  # elimination evaluation / fetching the rows the criteria read
    "append_rate": (">=", 30000),  # ledger append, entries/s
    "verify_seconds": ("<", 4),  # ledger verify of the whole log, s
    "proof_p99": ("<", 4),  # inclusion proofs, ms
}
COMPARE: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
}


SHOWN = {">=": "≥", ">": "above", "<=": "≤", "<": "under"}


def number(figure: str) -> float:
    """A figure as the report prints it ("13,465", "0.07", "37"): its value."""
    cleaned = figure.replace(",", "").strip()
    if not re.fullmatch(r"-?\d+(\.\d+)?", cleaned):
        raise ValueError(f"not a figure: {figure!r}")
    return float(cleaned)


def verdicts(figures: dict[str, str]) -> dict[str, str]:
    """For each figure with a target: `<key>_target` (as the report shows it) and `<key>_verdict`
    ("met" or "not met"), computed from the figure."""
    out = {}
    for key, (op, target) in TARGETS.items():
        if key not in figures:
            continue
        # Words, not "<": the report's markers are HTML comments, and a figure between them holds no "<".
        shown = f"{SHOWN[op]} {target:,.0f}" if target >= 100 else f"{SHOWN[op]} {target:g}"
        out[f"{key}_target"] = shown
        out[f"{key}_verdict"] = "met" if COMPARE[op](number(figures[key]), target) else "not met"
    return out

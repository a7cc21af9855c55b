"""Time is an input (ADR 0016): `common.clock` is the only reader of the wall clock in the services and the
libraries, so a test can set it, `make test-dates` can move it, and every date is a Beijing date. Read from the
sources (no database)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [*(ROOT / "libs").glob("*/src"), *(ROOT / "services").glob("*/src")]
CLOCK = ROOT / "libs/common/src/common/clock.py"
# attribute chains that read the wall clock; time.monotonic (durations) and time.perf_counter are fine
READERS = {("datetime", "now"), ("datetime", "utcnow"), ("datetime", "today"), ("date", "today"), ("time", "time")}
READERS |= {("time", "time_ns"), ("time", "localtime"), ("time", "gmtime")}


def _readers(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            name = owner.attr if isinstance(owner, ast.Attribute) else owner.id if isinstance(owner, ast.Name) else ""
            if (name, node.func.attr) in READERS:
                found.append((node.lineno, f"{name}.{node.func.attr}()"))
        if isinstance(node, ast.ImportFrom) and node.module in {"time", "datetime"}:
            for alias in node.names:  # `from time import time` would hide the call from the walk above
                if (node.module.split(".")[-1], alias.name) in READERS or alias.name in {"time", "utcnow"}:
                    found.append((node.lineno, f"from {node.module} import {alias.name}"))
    return found


def _sources() -> list[Path]:
    return [p for src in SOURCES for p in sorted(src.rglob("*.py")) if p != CLOCK]


def test_nothing_but_the_clock_reads_the_time() -> None:
    found = {
        f"{path.relative_to(ROOT)}:{line}": call
        for path in _sources()
        for line, call in _readers(ast.parse(path.read_text(encoding="utf-8")))
    }
    assert len(_sources()) > 200 and not found, f"use common.clock.now() or today() instead: {found}"


def test_the_guard_sees_each_way_of_reading_the_time() -> None:
    """The walk finds what it is meant to find, so a clean run above says something."""
    code = (
        "import datetime as dt, time\nfrom datetime import datetime, date\n"
        "a = dt.datetime.now(dt.UTC)\nb = datetime.utcnow()\nc = date.today()\nd = time.time()\n"
        "e = time.monotonic()\nf = dt.date.today()\n"
    )
    assert [line for line, _ in _readers(ast.parse(code))] == [3, 4, 5, 6, 8]
    assert _readers(ast.parse("from time import time\n")) == [(1, "from time import time")]
    assert _readers(ast.parse(CLOCK.read_text(encoding="utf-8")))  # the clock itself is the one reader

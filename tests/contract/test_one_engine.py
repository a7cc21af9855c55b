"""The procedure engine is the one writer of a procedure's state (ADR 0012): `Procedure.apply` checks a step,
sets its declared target, records it and publishes its event, so no service writes a state by hand. Read
from the sources (no database): any assignment to a procedure's state attribute outside the engine fails,
but for the few things that hold a state of their own and are no procedure, named below with why."""

import ast
from importlib import import_module
from pathlib import Path

from common.procedure import Procedure

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted(p for src in (ROOT / "services").glob("*/src") for p in src.rglob("*.py"))
MODULES = (
    "intake.cases.procedure",
    "screening.alerts.procedure",
    "assistance.plans.procedure",
    "assistance.elimination.procedure",
)
# Not procedures: progress a machine keeps, or a projection of a procedure's events. (path, what is written)
NOT_PROCEDURES = {
    ("services/screening/src/screening/policies/rescreen.py", "job.state"): "a re-screening job's progress",
    ("services/screening/src/screening/feeds/endpoints.py", "values(status=)"): "a feed upload's progress",
    ("services/screening/src/screening/checks/service.py", "check.state"): "an asset check answered by its record",
    ("services/screening/src/screening/checks/subscriptions.py", "check.state"): "an asset check its consent ends",
    ("services/intake/src/intake/cases/service.py", "household.status"): "what the county approval made of it",
    ("services/intake/src/intake/households/subscriptions.py", "household.status"): "what an elimination made of it",
    ("services/intake/src/intake/cases/objections.py", "objection.status"): "an objection's own resolution",
    ("services/intake/src/intake/imports/service.py", "job.state"): "an import job's progress",
    ("services/intake/src/intake/imports/service.py", "values(state=)"): "an import job's progress",
}


def attributes() -> set[str]:
    """The attributes that hold a procedure's state, as the procedures declare them."""
    return {p.attribute for m in MODULES for p in vars(import_module(m)).values() if isinstance(p, Procedure)}


def writes(tree: ast.AST, names: set[str]) -> list[tuple[int, str]]:
    """Every assignment to `<x>.<name>` (also in a tuple, annotated or augmented), `setattr(x, "<name>", ...)`
    and `.values(<name>=...)` of an UPDATE."""
    found = []
    for node in ast.walk(tree):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, ast.AnnAssign | ast.AugAssign):
            targets = [node.target]
        while targets:
            t = targets.pop()
            if isinstance(t, ast.Tuple | ast.List):
                targets += t.elts
            elif isinstance(t, ast.Attribute) and t.attr in names:
                found.append((t.lineno, ast.unparse(t)))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "setattr":
            name = node.args[1] if len(node.args) > 1 else None
            if isinstance(name, ast.Constant) and name.value in names:
                found.append((node.lineno, ast.unparse(node)))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "values":
            found += [(node.lineno, f"values({k.arg}=)") for k in node.keywords if k.arg in names]
    return found


def test_nothing_but_the_engine_writes_a_procedures_state() -> None:
    names = attributes()
    assert names == {"state", "status"}  # a measure's state is its status
    found = {
        f"{path.relative_to(ROOT)}:{line}": what
        for path in SOURCES
        for line, what in writes(ast.parse(path.read_text(encoding="utf-8")), names)
        if (str(path.relative_to(ROOT)), what) not in NOT_PROCEDURES
    }
    assert len(SOURCES) > 150 and not found, f"take the step with Procedure.apply instead: {found}"


def test_the_guard_finds_each_way_of_writing_a_state() -> None:
    """The walk finds what it is meant to find, so a clean run above says something."""
    code = (
        'plan.state = "village_reviewed"\n'
        'e.state, e.rejected_reason = "rejected", reason\n'
        'measure.status: str = "failed"\n'
        'setattr(alert, "state", "withdrawn")\n'
        "await s.execute(update(Case).values(state=to))\n"
        'x = plan.state == "draft"\n'
        'Case(state="new")\n'
    )
    assert [line for line, _ in writes(ast.parse(code), {"state", "status"})] == [1, 2, 3, 4, 5]
    engine = (ROOT / "libs/common/src/common/procedure.py").read_text(encoding="utf-8")
    assert "setattr(subject, self.attribute, target)" in engine  # the one writer, by the declared attribute

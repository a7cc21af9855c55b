"""The paperwork reads typed step records: a field renamed in a contract breaks the ledger's type check (and
so `make lint`) instead of printing a blank on a form, and the few field names the ledger still spells out
(a query's JSON path, the dates a step states) are checked against the contracts here."""

import os
import re
import shutil
from pathlib import Path

import mypy.api
import pytest

import contracts
from contracts.assistance import EliminationApprovedV1, EliminationEventBase, PlanEventBase
from contracts.intake import CaseApprovedV1, CaseEventBase
from contracts.steps import StepRecord
from ledger.archive import lists
from ledger.archive.stated import STEP_DATES

ROOT = Path(__file__).resolve().parents[3]
PAPERWORK = ["services/ledger/src/ledger/archive", "services/ledger/src/ledger/exports"]
# Fields the forms print (附件3's reasons for not listing, the approval's date, the measures an elimination
# lists), renamed in a copy of the contracts. (The signatures are left to pens: no form reads who signed.)
RENAMED = ("no_reasons", "approved_on", "measure_names")


def _records() -> list[type[StepRecord]]:
    found, todo = [], list(StepRecord.__subclasses__())
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo += cls.__subclasses__()
    return found


def test_a_field_renamed_in_a_step_record_fails_the_ledgers_type_check(tmp_path: Path) -> None:
    copy = tmp_path / "contracts"
    shutil.copytree(Path(contracts.__file__).parent, copy, ignore=shutil.ignore_patterns("__pycache__"))
    steps = copy / "steps.py"
    text = steps.read_text()
    for name in RENAMED:
        text, n = re.subn(rf"^    {name}:", f"    {name}_renamed:", text, flags=re.M)
        assert n, name
    steps.write_text(text)
    os.environ["MYPYPATH"] = str(tmp_path)  # the renamed copy shadows the installed package
    try:
        out, _, status = mypy.api.run([*(str(ROOT / p) for p in PAPERWORK), "--cache-dir", str(tmp_path / "c")])
    finally:
        del os.environ["MYPYPATH"]
    assert status == 1
    for name in RENAMED:
        assert f'has no attribute "{name}"' in out, (name, out)


def test_the_dates_a_step_states_are_fields_of_its_records() -> None:
    declared = {f for r in _records() for f in r.model_fields}
    assert set(STEP_DATES) <= declared, set(STEP_DATES) - declared


def test_a_list_queries_only_fields_its_step_record_declares() -> None:
    for notice, review in lists.NOTICES.values():
        lists._step(notice, "published_on")
        assert issubclass(review, CaseEventBase | PlanEventBase | EliminationEventBase)
    for approval in (CaseApprovedV1, EliminationApprovedV1):
        lists._step(approval, "approval_no")
    with pytest.raises(LookupError, match="declares no approval_number"):
        lists._step(CaseApprovedV1, "approval_number")

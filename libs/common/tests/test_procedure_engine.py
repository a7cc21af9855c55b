"""The engine applies a step: checks it, sets the declared target (or the named outcome's), records it and
adds its events to the outbox, in one call (no database: the record and the outbox here keep what they
are given)."""

import asyncio
from types import SimpleNamespace
from typing import Any

import pytest

from common.auth import Principal, Role
from common.errors import Conflict, Forbidden
from common.procedure import NEW, Events, Procedure, Record, SelfApproval, Taken, step

CADRE = Principal(sub="cadre-1", role=Role.village_cadre, region="532504")
COUNTY = Principal(sub="county-1", role=Role.county_officer, region="532504")

REVIEW = Procedure(
    "case",
    (
        step("declare", {NEW}, "declared", Role.village_cadre),
        step(
            "village_review", {"declared"}, "village_reviewed", Role.village_cadre, outcomes={"not_passed": "rejected"}
        ),
        step("resolve_objection", {"village_reviewed"}, None, Role.county_officer, outcomes={"upheld": "declared"}),
        step("approve", {"village_reviewed"}, "monitored", Role.county_officer, not_by=("declared_by",)),
        step("join", {"declared", "village_reviewed"}, None, system=True),
    ),
    Conflict,
)


class Outbox:
    """Stands in for the service's outbox: keeps what the engine adds to it."""

    def __init__(self) -> None:
        self.added: list[Any] = []

    async def add_many(self, session: Any, events: Events) -> None:
        self.added += events


def _record() -> tuple[Record, list[Taken]]:
    kept: list[Taken] = []

    async def write(session: Any, subject: Any, taken: Taken) -> Events:
        kept.append(taken)
        return [(taken.action, "household")]

    return Record(Outbox(), write), kept  # type: ignore[arg-type]


def _apply(subject: Any, action: str, principal: Principal | None, **kw: Any) -> Taken:
    record, _ = _record()
    return asyncio.run(REVIEW.apply(None, record, subject, action, principal, {"note": "x"}, **kw))  # type: ignore[arg-type]


def test_a_step_sets_its_declared_target_and_is_recorded_once() -> None:
    record, kept = _record()
    case = SimpleNamespace(state=NEW, declared_by="cadre-1")
    taken = asyncio.run(REVIEW.apply(None, record, case, "declare", CADRE, {"channel": "x"}))  # type: ignore[arg-type]
    assert case.state == "declared" and kept == [taken]
    assert record.outbox.added == [("declare", "household")]  # type: ignore[attr-defined]  # its events, once
    assert (taken.previous, taken.state, taken.actor, taken.role, taken.data) == (
        None,  # the step opened the subject
        "declared",
        "cadre-1",
        "village_cadre",
        {"channel": "x"},
    )


def test_the_caller_names_the_outcome_and_the_step_reaches_its_declared_target() -> None:
    case = SimpleNamespace(state="declared", declared_by="cadre-1")
    assert _apply(case, "village_review", CADRE, outcome="not_passed").state == "rejected"
    case = SimpleNamespace(state="village_reviewed", declared_by="cadre-1")
    assert _apply(case, "resolve_objection", COUNTY).state == "village_reviewed"  # dismissed: the state stays
    assert _apply(case, "resolve_objection", COUNTY, outcome="upheld").previous == "village_reviewed"
    assert case.state == "declared"
    with pytest.raises(ValueError, match="no outcome"):
        _apply(SimpleNamespace(state="declared"), "village_review", CADRE, outcome="upheld")


def test_a_refused_step_changes_nothing_and_records_nothing() -> None:
    record, kept = _record()
    for subject, action, who, problem in (
        (SimpleNamespace(state="declared", declared_by="x"), "approve", COUNTY, Conflict),  # out of order
        (SimpleNamespace(state="village_reviewed", declared_by="x"), "approve", CADRE, Forbidden),  # role
        (SimpleNamespace(state="village_reviewed", declared_by="county-1"), "approve", COUNTY, SelfApproval),
    ):
        before = subject.state
        with pytest.raises(problem):
            asyncio.run(REVIEW.apply(None, record, subject, action, who))  # type: ignore[arg-type]
        assert subject.state == before
    assert kept == [] and record.outbox.added == []  # type: ignore[attr-defined]


def test_the_system_takes_its_own_steps_in_order_only() -> None:
    """Never offered to a person (`check` forbids it, test_procedure.py); taken after a person's step, it
    records that person as whose step it follows."""
    case = SimpleNamespace(state="declared")
    assert _apply(case, "join", None, actor="screening:t").actor == "screening:t"
    assert _apply(case, "join", COUNTY).actor == "county-1"
    with pytest.raises(Conflict):
        _apply(SimpleNamespace(state="monitored"), "join", None)


def test_a_variant_without_a_step_sends_its_outcomes_where_the_skipped_step_began() -> None:
    plain = REVIEW.without("declare")
    assert plain.by_name["resolve_objection"].outcomes["upheld"] == NEW
    assert plain.by_name["village_review"].targets == {"village_reviewed", "rejected"}
    assert "rejected" in REVIEW.states and "rejected" in REVIEW.terminal

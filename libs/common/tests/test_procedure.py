"""The procedure engine, and the four procedures declared with it (no database: `make test-fast`)."""

from typing import Any

import pytest

from assistance.elimination.procedure import ELIMINATION
from assistance.plans.procedure import MEASURE, PLANNING
from common.auth import Principal, Role
from common.errors import Conflict, Forbidden
from common.procedure import Procedure, SelfApproval, step
from contracts.topics import CONTRACTS_BY_TYPE
from intake.cases.procedure import IDENTIFICATION, State
from screening.alerts.procedure import VERIFICATION

PROCEDURES = [IDENTIFICATION, VERIFICATION, PLANNING, MEASURE, ELIMINATION]


def who(role: Role, sub: str = "someone") -> Principal:
    return Principal(sub=sub, role=role, region="532504")


class Case:
    declared_by = "cadre-1"
    verified_by = "township-1"


def test_the_identification_procedure_as_the_documents_order_it() -> None:
    path = ["attach_consent", "village_review", "publish_notice", "township_verify", "county_approve"]
    state: str = State.declared
    roles = [Role.village_cadre, Role.village_cadre, Role.village_cadre, Role.township_officer, Role.county_officer]
    for action, role in zip(path, roles, strict=True):
        target = IDENTIFICATION.check(state, action, who(role), Case()).target
        assert target is not None
        state = target
    assert state == State.monitored
    assert IDENTIFICATION.terminal == {State.monitored, State.rejected}


def test_a_step_out_of_order_names_the_state_and_what_is_allowed() -> None:
    with pytest.raises(Conflict) as caught:
        IDENTIFICATION.check(State.declared, "county_approve", who(Role.county_officer))
    assert caught.value.slug == "illegal-transition"
    assert caught.value.extra["allowed_actions"] == ["attach_consent", "reject"]


def test_a_role_that_does_not_take_the_step_is_forbidden_and_admins_may() -> None:
    with pytest.raises(Forbidden):
        IDENTIFICATION.check(State.township_verified, "county_approve", who(Role.village_cadre))
    IDENTIFICATION.check(State.township_verified, "county_approve", who(Role.admin), Case())


@pytest.mark.parametrize("sub", ["cadre-1", "township-1"])
def test_four_eyes_binds_everyone_admins_too(sub: str) -> None:
    for role in (Role.county_officer, Role.admin):
        with pytest.raises(SelfApproval):
            IDENTIFICATION.check(State.township_verified, "county_approve", who(role, sub), Case())


def test_elimination_approval_is_not_by_who_accepted_it() -> None:
    class Elimination:
        reviewed_by, accepted_by = "cadre-1", "township-1"

    with pytest.raises(SelfApproval):
        ELIMINATION.check("township_accepted", "approve", who(Role.county_officer, "township-1"), Elimination())
    assert ELIMINATION.check("township_accepted", "approve", who(Role.county_officer, "county-1"), Elimination())


def test_measures_move_on_and_never_back_from_implemented() -> None:
    assert MEASURE.allowed("failed") == ["start"]
    assert MEASURE.allowed("implemented") == []
    with pytest.raises(Conflict):
        MEASURE.check("implemented", "start", who(Role.village_cadre))


@pytest.mark.parametrize("procedure", PROCEDURES, ids=lambda p: p.subject)
def test_every_declared_event_is_a_contract_and_every_step_has_roles(procedure: Procedure) -> None:
    for s in procedure.steps:
        assert bool(s.roles) != s.system, f"{procedure.subject}.{s.name}: roles, or the system alone"
        if s.system:  # the system's steps are never offered to a person, nor taken by one
            assert all(s.name not in procedure.allowed(state) for state in s.sources)
            with pytest.raises(Forbidden):
                procedure.check(next(iter(s.sources)), s.name, who(Role.admin))
        assert Role.auditor not in s.roles, f"{procedure.subject}.{s.name}: auditors read, never act"
        assert s.event is None or s.event in CONTRACTS_BY_TYPE, s.event
    described: list[dict[str, Any]] = procedure.describe()
    assert [d["step"] for d in described] == [s.name for s in procedure.steps]


def test_a_procedure_refuses_repeated_step_names() -> None:
    with pytest.raises(ValueError):
        Procedure("x", (step("a", {"s"}, "t", Role.admin), step("a", {"t"}, "u", Role.admin)), Conflict)


def test_every_state_any_step_can_reach_is_declared_and_labelled() -> None:
    """The engine writes only declared targets, so a state no label names cannot reach an answer: the
    elimination an upheld objection ends is `rejected` (不予通过), a state of its procedure; the plan an upheld
    objection returns is a draft, as its resolve step declares."""
    from assistance.elimination.procedure import WITHOUT_NOTICE
    from assistance.plans.procedure import WITHOUT_REVIEW
    from common.vocabulary import STATE_ZH
    from contracts.policy import IdentificationPolicy
    from intake.cases.procedure import variant

    without_consent = variant(IdentificationPolicy(consent_required=False))
    for procedure in (*PROCEDURES, WITHOUT_NOTICE, WITHOUT_REVIEW, without_consent):
        for s in procedure.steps:
            for outcome in (None, *s.outcomes):
                target = s.target_of(outcome)
                assert target is None or target in STATE_ZH[procedure.subject], (procedure.subject, s.name, target)
    assert ELIMINATION.by_name["reject"].target == "rejected" and STATE_ZH["elimination"]["rejected"] == "不予通过"
    assert PLANNING.by_name["resolve"].target_of("upheld") == "draft"
    assert PLANNING.by_name["resolve"].target_of(None) is None  # dismissed: the notice runs on
    assert IDENTIFICATION.by_name["resolve_objection"].target_of("upheld") == State.consent_signed
    assert without_consent.by_name["resolve_objection"].target_of("upheld") == State.declared

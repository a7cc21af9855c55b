"""The identification procedure as an explicit state machine (识别程序, as
《仲恺高新区健全防止返贫动态监测和帮扶机制工作方案》(2021) sets it out).

declared -> consent_signed -> village_reviewed -> in_public_notice -> township_verified -> monitored,
with `rejected` reachable from every open state. An upheld objection during the notice sends the case
back to consent_signed, to be reviewed by the village again.
"""

from dataclasses import dataclass
from enum import StrEnum

from common.auth import Principal, Role
from common.errors import Conflict, Forbidden


class State(StrEnum):
    declared = "declared"
    consent_signed = "consent_signed"
    village_reviewed = "village_reviewed"
    in_public_notice = "in_public_notice"
    township_verified = "township_verified"
    monitored = "monitored"
    rejected = "rejected"


TERMINAL = frozenset({State.monitored, State.rejected})
OPEN = frozenset(State) - TERMINAL


@dataclass(frozen=True)
class Action:
    name: str
    sources: frozenset[State]
    roles: frozenset[Role]


def _action(name: str, sources: set[State] | frozenset[State], *roles: Role) -> Action:
    return Action(name, frozenset(sources), frozenset(roles))


ACTIONS = {
    a.name: a
    for a in [
        _action("attach_consent", {State.declared}, Role.village_cadre, Role.township_officer, Role.county_officer),
        _action("village_review", {State.consent_signed}, Role.village_cadre, Role.township_officer),
        _action("publish_notice", {State.village_reviewed}, Role.village_cadre, Role.township_officer),
        _action("file_objection", {State.in_public_notice}, Role.village_cadre, Role.township_officer),
        _action("resolve_objection", {State.in_public_notice}, Role.township_officer),
        _action("township_verify", {State.in_public_notice}, Role.township_officer),
        _action("county_approve", {State.township_verified}, Role.county_officer),
        _action("reject", OPEN, Role.township_officer, Role.county_officer),
    ]
}


class IllegalTransition(Conflict):
    slug, title = "illegal-transition", "This step is not allowed in the case's current state"


def allowed_actions(state: str) -> list[str]:
    return sorted(a.name for a in ACTIONS.values() if state in a.sources)


def check(state: str, action: str, principal: Principal) -> None:
    spec = ACTIONS[action]
    if state not in spec.sources:
        raise IllegalTransition(
            f"Cannot {action} a case in state {state}", current_state=state, allowed_actions=allowed_actions(state)
        )
    if principal.role not in spec.roles and principal.role != Role.admin:
        raise Forbidden(f"{principal.role} may not {action}; allowed: {', '.join(sorted(spec.roles))}")

"""Procedures, declared once: the identification of a case, the verification of an alert, a plan and its
measures, the elimination of a risk are the same kind of thing. Each is a `Procedure` of states and steps;
a step names the states it starts from, the state it leads to, the roles that take it, who must not take it
(the four-eyes rule: no approving what you declared or verified yourself) and the event it publishes. The
services keep what a step *does*; whether it may be taken here, now, by this person is answered here, the
same way everywhere, so that a jurisdiction's variant (another step, another review body) is a change of
declaration, not of code.

Admins may take any step a role may (they operate the system); the four-eyes rule binds them too.

The engine also applies a step (`Procedure.apply`): it checks it, sets the declared target (or the target of
the outcome the caller names), records the step and adds its events to the outbox, in one call, the same
way in every service. A service says only how it keeps its steps (a `Record`); nothing else writes a
procedure's state (tests/contract/test_one_engine.py walks the sources for it).
"""

import datetime as dt
import uuid
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession

from common import clock
from common.auth import Principal, Role
from common.errors import Conflict, Forbidden, Problem
from common.messaging.outbox import Outbox
from common.vocabulary import ROLE_ZH, STATE_ZH, STEP_ZH, SUBJECT_ZH
from contracts.base import EventContract


class SelfApproval(Forbidden):
    slug, title = "self-approval", "A user cannot approve what they themselves submitted"
    title_zh = "不能审批本人提交或办理的事项"


@dataclass(frozen=True)
class Step:
    name: str
    sources: frozenset[str]
    target: str | None  # None: the step is recorded, the state stays (an objection filed, a measure added)
    roles: frozenset[Role]
    # Attributes of the subject holding who took an earlier step: they must not take this one.
    not_by: tuple[str, ...] = ()
    event: str | None = None  # the event type the step publishes (for readers and the docs)
    system: bool = False  # taken by the system when the data says so, never by a person (no roles)
    # A step with more than one outcome names the others and where each leads (a review that did not pass,
    # an upheld objection); the caller of `apply` names the outcome, and without one the step reaches `target`.
    outcomes: Mapping[str, str | None] = field(default_factory=lambda: MappingProxyType({}))

    def target_of(self, outcome: str | None) -> str | None:
        if outcome is None:
            return self.target
        if outcome not in self.outcomes:
            raise ValueError(f"{self.name}: no outcome {outcome!r} is declared (declared: {sorted(self.outcomes)})")
        return self.outcomes[outcome]

    @property
    def targets(self) -> frozenset[str]:
        """Every state the step can lead to."""
        return frozenset(t for t in (self.target, *self.outcomes.values()) if t is not None)


def step(
    name: str,
    sources: Iterable[str],
    target: str | None,
    *roles: Role,
    not_by: tuple[str, ...] = (),
    event: type[EventContract] | None = None,
    system: bool = False,
    outcomes: Mapping[str, str | None] | None = None,
) -> Step:
    if system == bool(roles):
        raise ValueError(f"{name}: a step is taken by roles, or by the system alone")
    return Step(
        name,
        frozenset(sources),
        target,
        frozenset(roles),
        not_by,
        event.type if event else None,
        system,
        MappingProxyType(dict(outcomes or {})),
    )


# The state of a subject a step creates (a declaration, an elimination's village review): the step opens it,
# and its record has no previous state.
NEW = "new"

Events = Sequence[tuple[EventContract, str | uuid.UUID]]  # each event with its subject (the household)


@dataclass(frozen=True)
class Taken:
    """A step as it was taken: what its record and its events are made of."""

    step: Step
    outcome: str | None
    previous: str | None  # the state before the step; None for the step that opened the subject
    state: str  # the state after it (the same for a step that declares no target)
    actor: str
    role: str
    at: dt.datetime
    data: dict[str, Any]
    actor_name: str | None = None  # the officer's name where the login carries one (the dossier shows it)

    @property
    def action(self) -> str:
        return self.step.name


@dataclass(frozen=True)
class Record:
    """How a service keeps the steps of one kind of subject: `write` records the step (in the service's own
    step table where it has one) and answers the events it publishes; `apply` adds them to `outbox` in the
    same transaction."""

    outbox: Outbox
    write: Callable[[AsyncSession, Any, Taken], Awaitable[Events]]


@dataclass(frozen=True)
class Procedure:
    subject: str  # "case", "alert", ...: how messages name the thing
    steps: tuple[Step, ...]
    illegal: type[Conflict]  # the problem a step out of order answers (each keeps its stable slug)
    attribute: str = "state"  # the subject's attribute holding its state (a measure's is `status`)
    by_name: dict[str, Step] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {s.name: s for s in self.steps})
        if len(self.by_name) != len(self.steps):
            raise ValueError(f"{self.subject}: step names repeat")

    @property
    def states(self) -> frozenset[str]:
        return frozenset(s for st in self.steps for s in (*st.sources, *st.targets))

    @property
    def terminal(self) -> frozenset[str]:
        """States no step leaves."""
        return self.states - {s for st in self.steps if st.targets for s in st.sources}

    def allowed(self, state: str) -> list[str]:
        """The steps a person may take next (the system's are not offered)."""
        return sorted(s.name for s in self.steps if state in s.sources and not s.system)

    def check(self, state: str, action: str, principal: Principal, subject: Any = None) -> Step:
        """May `principal` take `action` on a subject in `state`? The step, or the problem: 409 out of order,
        403 for a role that does not take this step or for the person the four-eyes rule excludes."""
        spec = self.in_order(state, action)
        what, step_zh = SUBJECT_ZH.get(self.subject, self.subject), STEP_ZH.get(self.subject, {}).get(action, action)
        self.may(action, principal)
        for attribute in spec.not_by:
            if subject is not None and getattr(subject, attribute, None) == principal.sub:
                raise SelfApproval(
                    f"You took an earlier step of this {self.subject} ({attribute}); another officer must {action} it",
                    zh=f"您办理过该{what}的前一环节，「{step_zh}」须由另一名干部进行",
                )
        return spec

    def in_order(self, state: str, action: str) -> Step:
        """The step, if a subject in `state` may take it (409 naming what may be taken instead)."""
        spec = self.by_name[action]
        if state not in spec.sources:
            what, step_zh = SUBJECT_ZH.get(self.subject, self.subject), STEP_ZH.get(self.subject, {}).get(action)
            state_zh = STATE_ZH.get(self.subject, {}).get(state, state)
            allowed = "、".join(STEP_ZH.get(self.subject, {}).get(a, a) for a in self.allowed(state)) or "无"
            raise self.illegal(
                f"Cannot {action} a {self.subject} that is {state}",
                zh=f"该{what}当前为「{state_zh}」，不能进行「{step_zh or action}」。现在可以进行：{allowed}",
                current_state=state,
                allowed_actions=self.allowed(state),
            )
        return spec

    def may(self, action: str, principal: Principal) -> None:
        """Does the caller's role take `action` at all? 403 if not. A route asks this before it looks the
        subject up, so a role without the right gets the same answer for a real subject, one elsewhere and a
        random id (its state, 409 `current_state`, would tell that the subject exists)."""
        spec = self.by_name[action]
        step_zh = STEP_ZH.get(self.subject, {}).get(action, action)
        if spec.system:
            raise Forbidden(
                f"Nobody may {action} a {self.subject}: the system does, when the data says so",
                zh=f"「{step_zh}」由系统根据数据自动进行，任何人不能手工操作",
            )
        if principal.role not in spec.roles and principal.role != Role.admin:
            roles = "、".join(ROLE_ZH.get(r, r) for r in sorted(spec.roles))
            raise Forbidden(
                f"{principal.role} may not {action} a {self.subject}; allowed: {', '.join(sorted(spec.roles))}",
                zh=f"{ROLE_ZH.get(principal.role, principal.role)}不能进行「{step_zh}」；可以进行的是：{roles}",
            )

    async def apply(
        self,
        session: AsyncSession,
        record: Record,
        subject: Any,
        action: str,
        principal: Principal | None,
        data: dict[str, Any] | None = None,
        *,
        outcome: str | None = None,
        actor: str | None = None,
        then: Callable[[], Awaitable[None]] | None = None,
    ) -> Taken:
        """Take `action` on `subject`: checked (its state, the caller's role, the four-eyes rule; a system
        step only its state), its declared target set (that of `outcome` when the caller names one), the
        step recorded and its events added to the outbox. `then` is what the step does once the state has
        moved and before it is recorded (the measures an exclusion withdraws). `principal` None: the system
        takes it (a consumed event), recorded as `actor`."""
        previous = getattr(subject, self.attribute)
        spec = self.by_name[action]
        if spec.system or principal is None:  # the system's own step, or one it takes on a consumed event
            self.in_order(previous, action)
        else:
            self.check(previous, action, principal, subject)
        target = spec.target_of(outcome)
        if target is not None:
            setattr(subject, self.attribute, target)  # the one place a procedure's state is written
        if then is not None:
            await then()
        taken = Taken(
            spec,
            outcome,
            None if previous == NEW else previous,
            getattr(subject, self.attribute),
            actor or (principal.sub if principal else "system"),
            principal.role.value if principal else "system",
            clock.now(),
            data or {},
            principal.name if principal and not actor else None,
        )
        await record.outbox.add_many(session, await record.write(session, subject, taken))
        return taken

    def without(self, *names: str) -> "Procedure":
        """A jurisdiction's variant that does not take some steps (a public notice its document does not
        have): a skipped step's target is no longer reached, and the steps that started from it start from
        where the skipped one did. Name the steps that only belong to a skipped state too (the objections of
        a notice), or they move with it."""
        steps = list(self.steps)
        for name in names:
            skipped = self.by_name[name]
            kept = []
            for s in steps:
                if s.name == name:
                    continue
                if skipped.target is not None and skipped.target in s.sources:
                    s = replace(s, sources=(s.sources - {skipped.target}) | skipped.sources)
                if skipped.target is not None and len(skipped.sources) == 1:
                    # An outcome that led back to the skipped state leads to where the skipped step began.
                    (begun,) = skipped.sources
                    back = {k: (begun if t == skipped.target else t) for k, t in s.outcomes.items()}
                    s = replace(s, outcomes=MappingProxyType(back))
                kept.append(s)
            steps = kept
        return Procedure(self.subject, tuple(steps), self.illegal, self.attribute)

    def describe(self) -> list[dict[str, Any]]:
        return [
            {
                "step": s.name,
                "from": sorted(s.sources),
                "to": s.target,
                "outcomes": dict(s.outcomes),
                "roles": sorted(s.roles),
                "not_by": list(s.not_by),
                "event": s.event,
            }
            for s in self.steps
        ]


class BatchItem(BaseModel):
    id: uuid.UUID
    outcome: Literal["approved", "failed"]
    problem: dict[str, Any] | None = Field(None, description="the RFC 9457 problem of an item that failed")


class BatchResult(BaseModel):
    approved: int
    failed: int
    results: list[BatchItem]


async def each(
    session: AsyncSession, ids: Iterable[uuid.UUID], apply: Callable[[uuid.UUID], Awaitable[None]]
) -> BatchResult:
    """A batch of one step over many subjects (an approval document listing households): each item succeeds
    or fails on its own, in its own savepoint, and answers with its problem; one refusal stops no other."""
    results = []
    for id_ in dict.fromkeys(ids):
        try:
            async with session.begin_nested():
                await apply(id_)
            results.append(BatchItem(id=id_, outcome="approved"))
        except Problem as problem:
            results.append(BatchItem(id=id_, outcome="failed", problem=problem.body()))
    approved = sum(r.outcome == "approved" for r in results)
    return BatchResult(approved=approved, failed=len(results) - approved, results=results)

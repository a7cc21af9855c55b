"""Identification cases: every step is applied by the procedure engine (`common.procedure`), which checks
role and state, records it append-only (`STEPS`) and publishes `intake.case.v1` through the outbox in the
same transaction; jurisdiction is checked when the case is loaded."""

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from common.auth import Principal, ensure_household
from common.clock import check_step_date, cst_date, today
from common.errors import Conflict, NotFound, ValidationFailed
from common.notice import Notice
from common.procedure import NEW, Events, Procedure, Record, Taken
from common.vocabulary import OBJECT_ZH, STATE_ZH, zh
from contracts.intake import CASE_EVENTS, CaseRisk
from intake.calendar.service import deadline
from intake.cases import verification
from intake.cases.models import Case, CaseStep, Objection
from intake.cases.procedure import IDENTIFICATION, OPEN, IllegalTransition, variant
from intake.cases.schemas import (
    CaseCreate,
    ConsentAttach,
    CountyApproval,
    HouseholdSurvey,
    NoticePublish,
    Rejection,
    TownshipVerification,
    VillageReview,
)
from intake.consents import service as consents
from intake.consents.schemas import REQUIRED_FOR_IDENTIFICATION, Scope
from intake.findings import service as findings
from intake.households.models import Household
from intake.mechanisms import outbox
from intake.policies.service import Applied, packs_for
from intake.registry import service as registry


class CaseAlreadyOpen(Conflict):
    slug, title = "case-already-open", "The household already has an open case"
    title_zh = "该户已有正在办理的认定"


class ConsentRequired(Conflict):
    slug, title = "consent-required", "A valid commitment and authorization is required"
    title_zh = "需要有效的承诺授权书"


class NoticeNotOver(Conflict):
    slug, title = "notice-not-over", "The public notice period has not ended or has pending objections"
    title_zh = "公示期未满或仍有未处理的异议"


def _opened(case: Case) -> dt.date:
    return cst_date(case.created_at) if case.created_at else today()


async def procedure_of(session: AsyncSession, case: Case) -> tuple[Procedure, Applied]:
    """The identification procedure the case follows: its jurisdiction's variant, from the pack in force
    where the household lives on the day the case was opened (a pack published midway changes nothing)."""
    applied = (await packs_for(session, {case.region_code}, _opened(case)))[case.region_code]
    return variant(applied.values.identification), applied


async def procedures_of(session: AsyncSession, cases: list[Case]) -> dict[uuid.UUID, Procedure]:
    """The same for a page of cases, one query per day the cases were opened."""
    by_day: dict[dt.date, set[str]] = {}
    for c in cases:
        by_day.setdefault(_opened(c), set()).add(c.region_code)
    found = {day: await packs_for(session, regions, day) for day, regions in by_day.items()}
    return {c.id: variant(found[_opened(c)][c.region_code].values.identification) for c in cases}


def _check_members(household: Household, risks: list[dict[str, Any]]) -> None:
    members = {str(m.id) for m in household.members}
    for i, risk in enumerate(risks):
        for key in ("patient_member_id", "student_member_id", "member_id"):
            if key in risk and str(risk[key]) not in members:
                raise ValidationFailed.on(f"risks.{i}.{key}", "not a member of this household", zh="不是本户成员")


# What a monitored object's type says of the household's category (湖北 三(一): 建档立卡已脱贫但有返贫风险的不稳定户
# 和收入略高于建档立卡贫困户但有致贫风险的边缘户): a 脱贫不稳定户 is a 脱贫户, a 边缘易致贫户 is not; a 突发严重困难户
# may be any rural household (中农组发〔2021〕7号 二(一)).
OBJECT_CATEGORY = {"unstable_lifted": ("lifted", "脱贫户"), "marginal": ("ordinary", "一般农户")}


def _check_object_type(household: Household, object_type: str | None, field: str) -> None:
    wanted = OBJECT_CATEGORY.get(object_type or "")
    if wanted is not None and household.category != wanted[0]:
        raise ValidationFailed.on(
            field,
            f"{object_type} is for a household of category {wanted[0]}; this one is {household.category}",
            zh=f"{zh(OBJECT_ZH, object_type or '')}须为{wanted[1]}，该户类别不符",
        )


async def _write_step(session: AsyncSession, case: Case, taken: Taken) -> Events:
    """A case's step: appended to its steps, and published with the case as it stands."""
    case.updated_at = taken.at
    await session.flush()  # a case the step opened gets its id
    seq = (
        await session.execute(select(func.coalesce(func.max(CaseStep.seq), 0)).where(CaseStep.case_id == case.id))
    ).scalar_one() + 1
    session.add(
        CaseStep(
            case_id=case.id,
            seq=seq,
            action=taken.action,
            from_state=taken.previous,
            to_state=taken.state,
            actor=taken.actor,
            actor_role=taken.role,
            data=taken.data,
        )
    )
    await session.flush()
    event = CASE_EVENTS[taken.step.event or ""](
        case_id=case.id,
        household_id=case.household_id,
        region_code=case.region_code,
        state=case.state,
        previous_state=taken.previous,
        channels=case.channels,
        object_type=case.object_type,
        risks=[
            CaseRisk(category=r["category"], details={k: v for k, v in r.items() if k != "category"})
            for r in case.risks
        ],
        weak_motivation=case.weak_motivation,
        actor=taken.actor,
        actor_role=taken.role,
        actor_name=taken.actor_name,
        occurred_at=case.updated_at,
        data=taken.data,
    )
    return [(event, case.household_id)]


STEPS = Record(outbox, _write_step)
NOTICE = Notice(
    deadline,
    published_on="notice_published_on",
    ends_on="notice_ends_on",
    assumed="notice_calendar_assumed",
    link=Objection.case_id,
    text="summary",
    raised_on="raised_on",
    outcome="status",
    pending="pending",
    note="resolution",
    resolved_at="resolved_at",
    not_over=NoticeNotOver,
)


async def open_case_of(session: AsyncSession, household_id: uuid.UUID, *, lock: bool = False) -> Case | None:
    q = select(Case).where(Case.household_id == household_id, Case.state.in_([s.value for s in OPEN]))
    return (await session.execute(q.with_for_update() if lock else q)).scalar_one_or_none()


async def declare(session: AsyncSession, principal: Principal, household: Household, body: CaseCreate) -> Case:
    ensure_household(principal, household.id, household.region_code)
    await findings.check_not_barred(session, household.id, today())
    _check_object_type(household, body.object_type, "object_type")
    risks = [r.model_dump(mode="json") for r in body.risks]
    _check_members(household, risks)
    existing = await open_case_of(session, household.id)
    if existing is not None:
        raise CaseAlreadyOpen(
            f"Household already has open case {existing.id} ({existing.state})",
            zh=f"该户已有正在办理的认定（{zh(STATE_ZH['case'], existing.state)}），请在原认定上继续办理",
            case_id=str(existing.id),
        )
    case = Case(
        household_id=household.id,
        region_code=household.region_code,
        state=NEW,
        channels=[body.channel],
        object_type=body.object_type,
        risks=risks,
        weak_motivation=body.weak_motivation,
        declared_by=principal.sub,
        alert_ids=[],
    )
    data: dict[str, Any] = {"channel": body.channel, "note": body.note}
    if body.declared_on is not None:  # a declaration taken on paper, entered later: a claim, checked
        data["declared_on"] = check_step_date("declared_on", body.declared_on).isoformat()
    session.add(case)
    await IDENTIFICATION.apply(session, STEPS, case, "declare", principal, data)
    return case


async def get(session: AsyncSession, principal: Principal, case_id: uuid.UUID, *, lock: bool = False) -> Case:
    q = select(Case).where(Case.id == case_id)
    case = (await session.execute(q.with_for_update() if lock else q)).scalar_one_or_none()
    if case is None:
        raise NotFound("No such case", zh="未找到该认定")
    ensure_household(principal, case.household_id, case.region_code, "case")
    return case


async def attach_consent(session: AsyncSession, principal: Principal, case: Case, body: ConsentAttach) -> Case:
    """Every household signs the 承诺授权书; where the pack limits the asset query to households not in
    低保/特困 and civil affairs confirms the enrolment, the consent need not authorise the asset query."""
    procedure, applied = await procedure_of(session, case)
    procedure.check(case.state, "attach_consent", principal, case)  # before the consent is looked up
    data: dict[str, Any] = {"asset_query": True}
    required = REQUIRED_FOR_IDENTIFICATION
    if body.exemption is not None:
        data = await consents.asset_query_exemption(session, case.household_id, body.exemption, applied)
        data["policy"] = applied.ref
        required = REQUIRED_FOR_IDENTIFICATION - {Scope.asset_check}
    covers = "部门间数据共享比对" if Scope.asset_check not in required else "查询比对家庭资产信息和部门间数据共享比对"
    if body.consent_id is not None:
        consent, revocation = await consents.get_for_household(session, case.household_id, body.consent_id)
        if consents.status(consent, revocation) != "valid" or not set(consent.scopes) >= required:
            raise ConsentRequired(
                f"That consent is not valid or does not cover {' and '.join(sorted(required))}",
                zh=f"该承诺授权书已失效，或未授权{covers}",
            )
    else:
        found = await consents.valid_consent(session, case.household_id, required)
        if found is None:
            raise ConsentRequired(
                f"The household has no valid consent covering {' and '.join(sorted(required))}",
                zh=f"该户没有有效的承诺授权书（须授权{covers}）",
            )
        consent = found
    case.consent_id = consent.id
    await procedure.apply(session, STEPS, case, "attach_consent", principal, {**data, "consent_id": str(consent.id)})
    return case


async def _declared_on(session: AsyncSession, case: Case) -> dt.date:
    """The day the village took the declaration: the day it states, else the day it was recorded."""
    stated = (
        await session.execute(
            select(CaseStep.data["declared_on"].astext).where(CaseStep.case_id == case.id, CaseStep.action == "declare")
        )
    ).scalar_one_or_none()
    if stated:
        return dt.date.fromisoformat(stated)
    return cst_date(case.created_at) if case.created_at else today()


async def _begun(session: AsyncSession, case: Case) -> tuple[dt.date, str]:
    """The date no later step may precede, and what it is: the declaration, or the consent's signing where
    that is later. A consent signed before the case does not let a step be dated before its declaration."""
    declared = await _declared_on(session, case)
    if case.consent_id is not None:
        consent, _ = await consents.get_for_household(session, case.household_id, case.consent_id)
        if cst_date(consent.signed_at) > declared:
            return cst_date(consent.signed_at), "the consent's signing"
    return declared, "the declaration"


async def household_survey(session: AsyncSession, principal: Principal, case: Case, body: HouseholdSurvey) -> Case:
    procedure, applied = await procedure_of(session, case)
    procedure.check(case.state, "household_survey", principal, case)
    begun, follows = await _begun(session, case)
    check_step_date("surveyed_on", body.surveyed_on, not_before=begun, follows=follows)
    data = {**body.model_dump(mode="json"), "forms": applied.values.identification.survey_forms, "policy": applied.ref}
    await procedure.apply(session, STEPS, case, "household_survey", principal, data)
    return case


async def village_review(session: AsyncSession, principal: Principal, case: Case, body: VillageReview) -> Case:
    procedure, applied = await procedure_of(session, case)
    procedure.check(case.state, "village_review", principal, case)
    if "household_survey" in procedure.by_name:  # the pack has the survey: the review analyses it
        surveyed = (
            await session.execute(
                select(CaseStep.data)
                .where(CaseStep.case_id == case.id, CaseStep.action == "household_survey")
                .order_by(CaseStep.seq.desc())
                .limit(1)
            )
        ).scalar_one_or_none()
        if surveyed is None:
            raise IllegalTransition(
                f"The household survey (入户调查) comes before the village review here ({applied.ref})",
                current_state=case.state,
                allowed_actions=procedure.allowed(case.state),
                zh="按本地规定，入户调查应在村级评议之前",
            )
        check_step_date(
            "meeting_date",
            body.meeting_date,
            not_before=dt.date.fromisoformat(surveyed["surveyed_on"]),
            follows="the household survey",
        )
    begun, follows = await _begun(session, case)
    check_step_date("meeting_date", body.meeting_date, not_before=begun, follows=follows)
    rules = applied.values.identification
    missing = [p for p in rules.review_participants if p not in body.participants]
    if missing:
        raise ValidationFailed.on(
            "participants",
            f"{rules.review_body} needs {', '.join(rules.review_participants)} ({applied.ref}); missing: "
            + ", ".join(missing),
            zh=f"评议缺少政策包规定的参加人员（{len(missing)}类）",
        )
    data = {**body.model_dump(mode="json"), "passed": body.passed, "review_body": rules.review_body}
    data["policy"] = applied.ref
    if not body.passed:
        case.rejection_reason = (
            f"not pre-selected by the village review ({body.votes_for} of {body.attendees} in favour)"
        )
        data["reason"] = case.rejection_reason
    outcome = None if body.passed else "not_passed"
    await procedure.apply(session, STEPS, case, "village_review", principal, data, outcome=outcome)
    return case


async def _stated(session: AsyncSession, case: Case, action: str, field: str) -> dt.date:
    """The date the latest `action` step of the case states (the step a later one must not precede)."""
    data = (
        await session.execute(
            select(CaseStep.data)
            .where(CaseStep.case_id == case.id, CaseStep.action == action)
            .order_by(CaseStep.seq.desc())
            .limit(1)
        )
    ).scalar_one()
    return dt.date.fromisoformat(data[field])


async def publish_notice(session: AsyncSession, principal: Principal, case: Case, body: NoticePublish) -> Case:
    procedure, applied = await procedure_of(session, case)
    procedure.check(case.state, "publish_notice", principal, case)
    days = applied.values.identification.notice_working_days
    check_step_date(
        "published_on",
        body.published_on,
        not_before=await _stated(session, case, "village_review", "meeting_date"),
        follows="the village review",
    )
    due = await NOTICE.publish(session, case, body.published_on, days)
    await procedure.apply(
        session,
        STEPS,
        case,
        "publish_notice",
        principal,
        {
            "published_on": body.published_on.isoformat(),
            "ends_on": due.due.isoformat(),
            "working_days": days,
            "policy": applied.ref,
            "calendar_assumed": due.assumed,
        },
    )
    return case


async def township_verify(
    session: AsyncSession, principal: Principal, case: Case, household: Household, body: TownshipVerification
) -> Case:
    procedure = (await procedure_of(session, case))[0]
    procedure.check(case.state, "township_verify", principal, case)
    if case.notice_ends_on is not None:
        await NOTICE.check_over(session, case, "核查")
        check_step_date("verified_on", body.verified_on, after=case.notice_ends_on, follows="the end of the notice")
    else:  # the jurisdiction's procedure has no notice: the township verifies after the village review
        check_step_date(
            "verified_on",
            body.verified_on,
            not_before=await _stated(session, case, "village_review", "meeting_date"),
            follows="the village review",
        )
    risks = [r.model_dump(mode="json") for r in body.risks]
    _check_members(household, risks)
    if body.decision != "no":
        _check_object_type(household, body.object_type, "object_type")
    data = body.model_dump(mode="json") | await verification.income_band(session, case, household, body)
    reached = case.notice_ends_on or await _stated(session, case, "village_review", "meeting_date")
    data |= await verification.recheck_due(session, case, body.verified_on, reached)
    case.verified_by = principal.sub
    if body.decision == "no":
        case.rejection_reason = "township verification: " + ", ".join(body.no_reasons)
    else:
        case.object_type, case.risks = body.object_type, risks
        case.channels = sorted({*case.channels, *body.channels})
    outcome = "no" if body.decision == "no" else None
    await procedure.apply(session, STEPS, case, "township_verify", principal, data, outcome=outcome)
    return case


async def county_approve(session: AsyncSession, principal: Principal, case: Case, body: CountyApproval) -> Case:
    procedure = (await procedure_of(session, case))[0]
    procedure.check(case.state, "county_approve", principal, case)
    check_step_date(
        "approved_on",
        body.approved_on,
        not_before=await _stated(session, case, "township_verify", "verified_on"),
        follows="the township verification",
    )
    household = await session.get(Household, case.household_id, with_for_update=True)
    assert household is not None
    household.status = "monitored"
    await procedure.apply(session, STEPS, case, "county_approve", principal, body.model_dump(mode="json"))
    await registry.changed(session, household, "monitored")  # the registries that subscribed are told
    return case


async def reject(session: AsyncSession, principal: Principal, case: Case, body: Rejection) -> Case:
    procedure = (await procedure_of(session, case))[0]
    procedure.check(case.state, "reject", principal, case)
    case.rejection_reason = body.reason
    await procedure.apply(session, STEPS, case, "reject", principal, {"reason": body.reason})
    return case

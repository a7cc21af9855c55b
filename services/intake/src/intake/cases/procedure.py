"""The identification procedure (识别程序), as 《仲恺高新区健全防止返贫动态监测和帮扶机制工作方案》(2021) and
中农组发〔2021〕7号 set it out: consent and authorisation, village democratic review, public notice,
township verification, county approval.

declared -> consent_signed -> village_reviewed -> in_public_notice -> township_verified -> monitored,
with `rejected` reachable from every open state. A review that does not pass and a township's "no" reject
the case (their steps' other outcomes); an upheld objection during the notice sends the case back to
consent_signed, to be reviewed by the village again.
"""

from enum import StrEnum

from common.auth import Role
from common.errors import Conflict
from common.procedure import NEW, Procedure, step
from contracts.intake import (
    CaseApprovedV1,
    CaseConsentAttachedV1,
    CaseDeclaredV1,
    CaseHouseholdSurveyedV1,
    CaseJoinedV1,
    CaseNoticePublishedV1,
    CaseObjectionFiledV1,
    CaseObjectionResolvedV1,
    CaseRejectedV1,
    CaseTownshipVerifiedV1,
    CaseVillageReviewedV1,
)
from contracts.policy import IdentificationPolicy


class State(StrEnum):
    declared = "declared"
    consent_signed = "consent_signed"
    village_reviewed = "village_reviewed"
    in_public_notice = "in_public_notice"
    township_verified = "township_verified"
    monitored = "monitored"
    rejected = "rejected"


class IllegalTransition(Conflict):
    slug, title = "illegal-transition", "This step is not allowed in the case's current state"
    title_zh = "认定当前状态下不能进行此操作"


S = State
CADRE, TOWNSHIP, COUNTY = Role.village_cadre, Role.township_officer, Role.county_officer
OPEN = frozenset(State) - {S.monitored, S.rejected}

IDENTIFICATION = Procedure(
    "case",
    (
        # Who may declare also depends on the channel (endpoints.DECLARERS); a confirmed alert opens a case
        # as the system, or joins the household's open one.
        step("declare", {NEW}, S.declared, Role.household, CADRE, TOWNSHIP, COUNTY, event=CaseDeclaredV1),
        step("join", OPEN, None, system=True, event=CaseJoinedV1),
        step("attach_consent", {S.declared}, S.consent_signed, CADRE, TOWNSHIP, COUNTY, event=CaseConsentAttachedV1),
        # Where the pack has it (弥勒市 一(四): 农户申报、入户调查、村组评议): recorded, the state stays; the village
        # review then requires it.
        step("household_survey", {S.consent_signed}, None, CADRE, TOWNSHIP, event=CaseHouseholdSurveyedV1),
        step(
            "village_review",
            {S.consent_signed},
            S.village_reviewed,
            CADRE,
            TOWNSHIP,
            event=CaseVillageReviewedV1,
            outcomes={"not_passed": S.rejected},
        ),
        step(
            "publish_notice",
            {S.village_reviewed},
            S.in_public_notice,
            CADRE,
            TOWNSHIP,
            event=CaseNoticePublishedV1,
        ),
        step("file_objection", {S.in_public_notice}, None, CADRE, TOWNSHIP, event=CaseObjectionFiledV1),
        # An upheld objection sends the case back to the village; a dismissed one leaves the notice running.
        step(
            "resolve_objection",
            {S.in_public_notice},
            None,
            TOWNSHIP,
            event=CaseObjectionResolvedV1,
            outcomes={"upheld": S.consent_signed},
        ),
        step(
            "township_verify",
            {S.in_public_notice},
            S.township_verified,
            TOWNSHIP,
            not_by=("declared_by",),
            event=CaseTownshipVerifiedV1,
            outcomes={"no": S.rejected},
        ),
        step(
            "county_approve",
            {S.township_verified},
            S.monitored,
            COUNTY,
            not_by=("declared_by", "verified_by"),
            event=CaseApprovedV1,
        ),
        step("reject", OPEN, S.rejected, TOWNSHIP, COUNTY, event=CaseRejectedV1),
    ),
    IllegalTransition,
)
TERMINAL = IDENTIFICATION.terminal


def variant(identification: IdentificationPolicy) -> Procedure:
    """The procedure a jurisdiction's pack gives: without the authorisation its document does not have
    (弥勒市, 宁夏 and 湖北 in 2020), without the public notice (the same three), with the household survey
    where it has one (弥勒市)."""
    skipped = [
        name
        for names, kept in (
            (("attach_consent",), identification.consent_required),
            (("household_survey",), identification.household_survey),
            (("file_objection", "resolve_objection", "publish_notice"), identification.public_notice),
        )
        if not kept
        for name in names
    ]
    return _VARIANTS.setdefault(tuple(skipped), IDENTIFICATION.without(*skipped))


_VARIANTS: dict[tuple[str, ...], Procedure] = {}

"""The risk-elimination procedure (风险消除), mirroring identification (中农组发〔2021〕7号; the acceptance
and approval forms of 《仲恺高新区健全防止返贫动态监测和帮扶机制工作方案》(2021)): village democratic
review (only with a passing evaluation) -> public notice with objections -> township acceptance (the
acceptance form, evaluated again) -> county approval, single or batch. An upheld objection ends the
procedure (`rejected`, the system's step after the resolution): the household stays monitored."""

from common.auth import Role
from common.errors import Conflict
from common.procedure import NEW, Procedure, step
from contracts.assistance import (
    EliminationAcceptedV1,
    EliminationApprovedV1,
    EliminationNoticePublishedV1,
    EliminationObjectionFiledV1,
    EliminationObjectionResolvedV1,
    EliminationRejectedV1,
    EliminationVillageReviewedV1,
)


class IllegalEliminationStep(Conflict):
    slug, title = "illegal-elimination-step", "This step is not allowed in the elimination's current state"
    title_zh = "风险消除当前状态下不能进行此操作"


CADRE, TOWNSHIP, COUNTY = Role.village_cadre, Role.township_officer, Role.county_officer

ELIMINATION = Procedure(
    "elimination",
    (
        # NEW: the procedure does not exist yet; the village review opens it.
        step("village_review", {NEW}, "village_reviewed", CADRE, TOWNSHIP, event=EliminationVillageReviewedV1),
        step("notice", {"village_reviewed"}, "in_public_notice", CADRE, TOWNSHIP, event=EliminationNoticePublishedV1),
        step("object", {"in_public_notice"}, None, CADRE, TOWNSHIP, Role.household, event=EliminationObjectionFiledV1),
        step("resolve", {"in_public_notice"}, None, TOWNSHIP, event=EliminationObjectionResolvedV1),
        # An upheld objection stands: the system ends the procedure, the household stays monitored.
        step("reject", {"in_public_notice"}, "rejected", system=True, event=EliminationRejectedV1),
        step("accept", {"in_public_notice"}, "township_accepted", TOWNSHIP, event=EliminationAcceptedV1),
        # Four eyes, as for identification: whoever reviewed or accepted it does not approve it.
        step(
            "approve",
            {"township_accepted"},
            "approved",
            COUNTY,
            not_by=("reviewed_by", "accepted_by"),
            event=EliminationApprovedV1,
        ),
    ),
    IllegalEliminationStep,
)
# Where the jurisdiction's pack has no public notice for eliminations (弥勒市's document names none): the
# township accepts after the village review.
WITHOUT_NOTICE = ELIMINATION.without("object", "resolve", "reject", "notice")

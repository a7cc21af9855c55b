"""A plan's procedure (一户一策): drafted from the recommendation when the case is approved, completed,
reviewed by the village and publicly noticed where the jurisdiction's pack says so (中农组发〔2021〕7号
三(二): 在确定监测对象、落实帮扶措施、标注风险消除等程序中，应进行民主评议和公开公示), approved by the
township or county, followed measure by measure until the risk is eliminated (the plan is then closed). A
not-assisted finding of the jurisdiction's pack (宁开办发〔2020〕8号 五(八)) takes the measure or expense
concerned out of the plan; only an item the pack says excludes the household excludes the plan. Each measure
moves on with its evidence: planned -> in progress -> implemented, or failed and started again."""

from common.auth import Role
from common.errors import Conflict
from common.procedure import Procedure, step
from contracts.assistance import (
    PlanApprovedV1,
    PlanClosedV1,
    PlanExcludedV1,
    PlanMeasureUpdatedV1,
    PlanMeasureWithdrawnV1,
    PlanNoticePublishedV1,
    PlanObjectionFiledV1,
    PlanObjectionResolvedV1,
    PlanVillageReviewedV1,
)


class IllegalPlanStep(Conflict):
    slug, title = "illegal-plan-step", "This step is not allowed in the plan's current state"
    title_zh = "帮扶计划当前状态下不能进行此操作"


CADRE, TOWNSHIP, COUNTY = Role.village_cadre, Role.township_officer, Role.county_officer
# A department reports the measures it carries out (its list, departments/endpoints.py), as the evidence.
DEPARTMENT = Role.department

REVIEWING = ("draft", "village_reviewed", "in_public_notice")  # before approval, with the review or without


# With the measures' village review and public notice before the approval: from 2021 every jurisdiction's
# (the national pack's `mandatory`).
PLANNING = Procedure(
    "plan",
    (
        step("add_measure", {"draft"}, None, TOWNSHIP, COUNTY, event=PlanMeasureUpdatedV1),
        step("assign_measure", {*REVIEWING, "approved"}, None, TOWNSHIP, COUNTY, event=PlanMeasureUpdatedV1),
        step("withdraw_measure", {"draft"}, None, TOWNSHIP, COUNTY, event=PlanMeasureWithdrawnV1),
        # The measures as drafted are what the village reviews and the notice lists: they are settled
        # in the draft; an upheld objection returns the plan to it.
        # A review that does not pass leaves the plan a draft, the review on record.
        step(
            "village_review",
            {"draft"},
            "village_reviewed",
            CADRE,
            TOWNSHIP,
            event=PlanVillageReviewedV1,
            outcomes={"not_passed": None},
        ),
        step("notice", {"village_reviewed"}, "in_public_notice", CADRE, TOWNSHIP, event=PlanNoticePublishedV1),
        step("object", {"in_public_notice"}, None, CADRE, TOWNSHIP, Role.household, event=PlanObjectionFiledV1),
        # Dismissed, the notice runs on; upheld, the measures go back to the draft to be reworked.
        step(
            "resolve",
            {"in_public_notice"},
            None,
            TOWNSHIP,
            COUNTY,
            event=PlanObjectionResolvedV1,
            outcomes={"upheld": "draft"},
        ),
        step("approve", {"in_public_notice"}, "approved", TOWNSHIP, COUNTY, event=PlanApprovedV1),
        step("exclude", set(REVIEWING), "excluded", TOWNSHIP, COUNTY, event=PlanExcludedV1),
        # A not-assisted finding: the measure or expense concerned leaves the plan, the plan stays.
        step("record_not_assisted", {*REVIEWING, "approved"}, None, TOWNSHIP, COUNTY, event=PlanMeasureWithdrawnV1),
        step("report_progress", {"approved"}, None, CADRE, TOWNSHIP, COUNTY, DEPARTMENT, event=PlanMeasureUpdatedV1),
        step("propose_elimination", {"approved"}, None, CADRE, TOWNSHIP),
        # Closed by the county's approval of the risk's elimination (elimination/procedure.py).
        step("close", {"approved"}, "closed", COUNTY, event=PlanClosedV1),
    ),
    IllegalPlanStep,
)


# A pack without them (the 2020 documents): the draft is approved as it is.
WITHOUT_REVIEW = PLANNING.without("village_review", "notice", "object", "resolve")


def variant(public_review: bool) -> Procedure:
    return PLANNING if public_review else WITHOUT_REVIEW


# A measure's status, moved by a progress report (the step is named for what it does to the measure).
MEASURE = Procedure(
    "measure",
    (
        step("start", {"planned", "failed"}, "in_progress", CADRE, TOWNSHIP, COUNTY, DEPARTMENT),
        step("implement", {"planned", "in_progress"}, "implemented", CADRE, TOWNSHIP, COUNTY, DEPARTMENT),
        step("fail", {"planned", "in_progress"}, "failed", CADRE, TOWNSHIP, COUNTY, DEPARTMENT),
    ),
    IllegalPlanStep,
    attribute="status",
)
STEP_TO = {s.target: s.name for s in MEASURE.steps}

"""A plan's procedure (一户一策): drafted from the recommendation when the case is approved, completed and
approved by the township or county, followed measure by measure until the risk is eliminated (the plan is
then closed). A not-assisted finding of the jurisdiction's pack (宁开办发〔2020〕8号 五(八)) takes the measure
or expense concerned out of the plan; only an item the pack says excludes the household excludes the plan.
Each measure moves on with its evidence: planned -> in progress -> implemented, or failed and started again."""

from common.auth import Role
from common.errors import Conflict
from common.procedure import Procedure, step
from contracts.assistance import (
    PlanApprovedV1,
    PlanClosedV1,
    PlanExcludedV1,
    PlanMeasureUpdatedV1,
    PlanMeasureWithdrawnV1,
)


class IllegalPlanStep(Conflict):
    slug, title = "illegal-plan-step", "This step is not allowed in the plan's current state"
    title_zh = "帮扶计划当前状态下不能进行此操作"


CADRE, TOWNSHIP, COUNTY = Role.village_cadre, Role.township_officer, Role.county_officer
# A department reports the measures it carries out (its list, departments/endpoints.py), as the evidence.
DEPARTMENT = Role.department

PLANNING = Procedure(
    "plan",
    (
        step("add_measure", {"draft"}, None, TOWNSHIP, COUNTY, event=PlanMeasureUpdatedV1),
        step("assign_measure", {"draft", "approved"}, None, TOWNSHIP, COUNTY, event=PlanMeasureUpdatedV1),
        step("withdraw_measure", {"draft"}, None, TOWNSHIP, COUNTY, event=PlanMeasureWithdrawnV1),
        step("approve", {"draft"}, "approved", TOWNSHIP, COUNTY, event=PlanApprovedV1),
        step("exclude", {"draft"}, "excluded", TOWNSHIP, COUNTY, event=PlanExcludedV1),
        # A not-assisted finding: the measure or expense concerned leaves the plan, the plan stays.
        step("record_not_assisted", {"draft", "approved"}, None, TOWNSHIP, COUNTY, event=PlanMeasureWithdrawnV1),
        step("report_progress", {"approved"}, None, CADRE, TOWNSHIP, COUNTY, DEPARTMENT, event=PlanMeasureUpdatedV1),
        step("propose_elimination", {"approved"}, None, CADRE, TOWNSHIP),
        # Closed by the county's approval of the risk's elimination (elimination/procedure.py).
        step("close", {"approved"}, "closed", COUNTY, event=PlanClosedV1),
    ),
    IllegalPlanStep,
)

# A measure's status, moved by a progress report (the step is named for what it does to the measure).
MEASURE = Procedure(
    "measure",
    (
        step("start", {"planned", "failed"}, "in_progress", CADRE, TOWNSHIP, COUNTY, DEPARTMENT),
        step("implement", {"planned", "in_progress"}, "implemented", CADRE, TOWNSHIP, COUNTY, DEPARTMENT),
        step("fail", {"planned", "in_progress"}, "failed", CADRE, TOWNSHIP, COUNTY, DEPARTMENT),
    ),
    IllegalPlanStep,
)
STEP_TO = {s.target: s.name for s in MEASURE.steps}

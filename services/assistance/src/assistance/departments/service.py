"""Lists back to the departments (《仲恺高新区健全防止返贫动态监测和帮扶机制工作方案》(2021): 区乡村振兴部门定期向教育、
民政、人社、卫健、医保、住建等部门推送监测帮扶信息，各部门及时反馈): each department's list of monitored households
with the risks and measures that concern it, and what it reports back carried out."""

from collections.abc import Iterable

from sqlalchemy import ColumnElement, exists, or_

from assistance.plans.models import IN_FORCE, Plan, PlanMeasure
from assistance.projections.models import MonitoredCase
from contracts.assistance import DepartmentListEntryV1, PlanEventBase

# Which measures and risks concern each department account (the feeds' department codes), from the
# catalogue's responsible departments (附件6 三、帮扶措施) and the risks each department's data speaks to.
MEASURES: dict[str, frozenset[str]] = {
    "civil-affairs": frozenset({"dibao", "tekun", "temporary_assistance", "disability_allowance"}),
    "medical-insurance": frozenset({"health"}),
    "health": frozenset({"health"}),
    "education": frozenset({"compulsory_education", "education_aid", "motivation_skills"}),
    "housing": frozenset({"housing_safety", "living_conditions", "infrastructure"}),
    "disability": frozenset({"disability_allowance"}),
    "human-resources": frozenset({"employment", "public_welfare_job", "motivation_skills"}),
    "water": frozenset({"drinking_water"}),
    "emergency-management": frozenset({"temporary_assistance"}),
    "finance": frozenset({"micro_credit"}),
}
RISKS: dict[str, frozenset[str]] = {
    "civil-affairs": frozenset({"lack_of_labour", "other", "natural_disaster", "accident", "policy_transition"}),
    "medical-insurance": frozenset({"illness"}),
    "health": frozenset({"illness"}),
    "education": frozenset({"schooling"}),
    "housing": frozenset({"natural_disaster", "housing_unsafe", "other"}),
    "disability": frozenset({"disability"}),
    "human-resources": frozenset({"unstable_employment", "lack_of_labour", "industry_failure"}),
    "water": frozenset({"drinking_water_unsafe"}),
    "emergency-management": frozenset({"natural_disaster", "accident"}),
    "finance": frozenset({"microloan_overdue"}),
}


def concerned(risks: Iterable[str], codes: Iterable[str]) -> set[str]:
    """The departments a household's risks or its measures concern."""
    risks, codes = set(risks), set(codes)
    return {d for d in MEASURES if MEASURES[d] & codes or RISKS[d] & risks}


def concerning(department: str) -> ColumnElement[bool]:
    """The monitored cases on the department's list, as a condition of the query (the list pages after it
    filters): a risk of the department's, or a measure of its in force in the case's approved plan."""
    risk = or_(*(MonitoredCase.risks.contains([{"category": r}]) for r in sorted(RISKS[department])))
    measure = exists().where(
        Plan.case_id == MonitoredCase.case_id,
        Plan.state == "approved",
        PlanMeasure.plan_id == Plan.id,
        PlanMeasure.code.in_(sorted(MEASURES[department])),
        IN_FORCE,
    )
    return or_(risk, measure)


def entries(event: PlanEventBase, household_no: str | None) -> list[DepartmentListEntryV1]:
    """The department-list entries a plan event changes: each department concerned now, listed while the plan
    is open; each one its withdrawn measures concerned and nothing concerns any longer, unlisted."""
    codes = [m.code for m in event.measures]
    now = concerned(event.risks, codes)
    withdrawn = getattr(event, "withdrawn", None) or []
    before = concerned((), [m.code for m in withdrawn]) - now
    open_plan = event.state not in ("closed", "excluded")
    return [
        DepartmentListEntryV1(
            department=d,
            household_id=event.household_id,
            household_no=household_no,
            region_code=event.region_code,
            plan_id=event.plan_id,
            plan_state=event.state,
            listed=open_plan and d in now,
            risks=sorted(set(event.risks) & RISKS[d]),
            measures=[m for m in event.measures if m.code in MEASURES[d]],
            occurred_at=event.occurred_at,
        )
        for d in sorted(now | before)
    ]

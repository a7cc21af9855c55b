"""All intake subscriptions, in one list for the consumer: each contract and the handler that applies it."""

from common.messaging.subscribe import On, subscribe
from contracts.assistance import (
    DepartmentListEntryV1,
    EliminationApprovedV1,
    PlanApprovedV1,
    PlanDraftedV1,
    PlanExcludedV1,
)
from contracts.dept import CivilAffairsRecordV1
from contracts.screening import AlertConfirmedV1, PolicyPackPublishedV1
from intake.cases.subscriptions import on_alert_confirmed
from intake.households.subscriptions import on_eliminated, on_plan
from intake.policies.subscriptions import on_pack
from intake.projections.subscriptions import on_civil_affairs_record, on_department_list_entry

SUBSCRIPTIONS = subscribe(
    On(AlertConfirmedV1, on_alert_confirmed),
    On(PlanDraftedV1, on_plan),
    On(PlanApprovedV1, on_plan),
    On(PlanExcludedV1, on_plan),
    On(EliminationApprovedV1, on_eliminated),
    On(PolicyPackPublishedV1, on_pack),
    On(DepartmentListEntryV1, on_department_list_entry),
    On(CivilAffairsRecordV1, on_civil_affairs_record),
)

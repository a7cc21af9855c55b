"""All assistance subscriptions, in one list for the consumer: each contract and the handler that applies it."""

from assistance.departments.subscriptions import on_department_report
from assistance.mechanisms import calendar
from assistance.projections.subscriptions import (
    on_alert_confirmed,
    on_cases_approved,
    on_cases_imported,
    on_household,
    on_income,
    on_pack,
    on_policy,
)
from common.messaging.subscribe import On, subscribe
from contracts.dept import DepartmentReportV1
from contracts.intake import (
    CaseApprovedV1,
    CaseImportedV1,
    HouseholdIncomeRecordedV1,
    HouseholdRegisteredV1,
    HouseholdUpdatedV1,
)
from contracts.screening import AlertConfirmedV1, PolicyPackPublishedV1, PolicyPublishedV1

SUBSCRIPTIONS = [
    *subscribe(
        On(AlertConfirmedV1, on_alert_confirmed),
        # Approved cases are drafted a batch at a time (set-based), each with its plan (plans/service.py).
        On(CaseApprovedV1, batch=on_cases_approved),
        On(CaseImportedV1, batch=on_cases_imported),
        On(HouseholdRegisteredV1, on_household),
        On(HouseholdUpdatedV1, on_household),
        On(HouseholdIncomeRecordedV1, on_income),
        On(PolicyPublishedV1, on_policy),
        On(PolicyPackPublishedV1, on_pack),
        On(DepartmentReportV1, on_department_report),
    ),
    calendar.subscription(),
]

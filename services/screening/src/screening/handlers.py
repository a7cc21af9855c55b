"""All screening subscriptions, in one list for the consumer: each contract and the handler that applies it.

Every handler answers the households whose data it changed; before the transaction commits, their rules
are evaluated once, on the final state (`then`): this is how a department record becomes an alert.
"""

from common.messaging.subscribe import On, subscribe
from contracts.assistance import EliminationApprovedV1
from contracts.dept import DEPT_CONTRACTS
from contracts.intake import (
    CaseApprovedV1,
    CaseImportedV1,
    ConsentRevokedV1,
    ConsentSignedV1,
    HouseholdIncomeRecordedV1,
    HouseholdRegisteredV1,
    HouseholdUpdatedV1,
)
from screening.alerts.service import reevaluate_many
from screening.checks.subscriptions import on_consent_revoked, on_consent_signed
from screening.feeds.subscriptions import on_dept_records
from screening.mechanisms import calendar
from screening.projections.subscriptions import (
    on_case_approved,
    on_case_imported,
    on_eliminated,
    on_household,
    on_income,
)

SUBSCRIPTIONS = [
    *subscribe(
        On(HouseholdRegisteredV1, on_household),
        On(HouseholdUpdatedV1, on_household),
        On(HouseholdIncomeRecordedV1, on_income),
        On(ConsentSignedV1, on_consent_signed),
        On(ConsentRevokedV1, on_consent_revoked),
        On(CaseApprovedV1, on_case_approved),
        On(CaseImportedV1, on_case_imported),
        On(EliminationApprovedV1, on_eliminated),
        then=reevaluate_many,
    ),
    # A department sending a type it has no contract for: to the dead-letter topic with the reason.
    *subscribe(*(On(c, batch=on_dept_records) for c in DEPT_CONTRACTS.values()), then=reevaluate_many, strict=True),
    calendar.subscription(),
]

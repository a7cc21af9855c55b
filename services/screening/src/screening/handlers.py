"""All screening subscriptions, in one list for the consumer."""

from common.events.contracts.dept import DEPT_CONTRACTS
from common.events.contracts.intake import CASE_TOPIC, CONSENT_TOPIC, HOUSEHOLD_TOPIC
from common.messaging.consumer import Subscription
from screening.base import calendar
from screening.checks.subscriptions import on_consent
from screening.feeds.subscriptions import on_dept_records
from screening.projections.subscriptions import on_case, on_household

SUBSCRIPTIONS = [
    Subscription(HOUSEHOLD_TOPIC, on_household),
    Subscription(CONSENT_TOPIC, on_consent),
    Subscription(CASE_TOPIC, on_case),
    calendar.subscription(),
] + [Subscription(c.topic, batch_handler=on_dept_records) for c in DEPT_CONTRACTS.values()]

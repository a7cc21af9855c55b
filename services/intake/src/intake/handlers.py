"""All intake subscriptions, in one list for the consumer."""

from common.events.contracts.assistance import ELIMINATION_TOPIC, PLAN_TOPIC
from common.events.contracts.screening import ALERT_TOPIC
from common.messaging.consumer import Subscription
from intake.cases.subscriptions import on_alert
from intake.households.subscriptions import on_assistance

SUBSCRIPTIONS = [
    Subscription(ALERT_TOPIC, on_alert),
    Subscription(PLAN_TOPIC, on_assistance),
    Subscription(ELIMINATION_TOPIC, on_assistance),
]

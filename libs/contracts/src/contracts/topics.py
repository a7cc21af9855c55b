"""The topic registry: every topic, its owner, and the contracts that may appear on it."""

from dataclasses import dataclass

from contracts import assistance, audit, dept, intake, ledger, screening
from contracts.base import EventContract


@dataclass(frozen=True)
class Topic:
    name: str
    owner: str
    description: str
    contracts: tuple[type[EventContract], ...]

    @property
    def dlq(self) -> str:
        return dlq_of(self.name)


def dlq_of(topic: str) -> str:
    return f"{topic}.dlq"


TOPICS: dict[str, Topic] = {
    t.name: t
    for t in [
        Topic(
            intake.HOUSEHOLD_TOPIC,
            "intake",
            "Households registered and updated, yearly income",
            (intake.HouseholdRegisteredV1, intake.HouseholdUpdatedV1, intake.HouseholdIncomeRecordedV1),
        ),
        Topic(
            intake.CONSENT_TOPIC,
            "intake",
            "Commitment and authorization signed or revoked",
            (intake.ConsentSignedV1, intake.ConsentRevokedV1),
        ),
        Topic(
            intake.CASE_TOPIC,
            "intake",
            "Identification case steps, declared to monitored or rejected",
            tuple(intake.CASE_EVENTS.values()),
        ),
        Topic(
            intake.CALENDAR_TOPIC,
            "intake",
            "Official working-day arrangements loaded by ops, a year at a time",
            (intake.CalendarYearLoadedV1,),
        ),
        Topic(screening.ALERT_TOPIC, "screening", "Confirmed department-data alerts", (screening.AlertConfirmedV1,)),
        Topic(
            screening.POLICY_TOPIC,
            "screening",
            "Policy packs per jurisdiction and year, each version (policy.published: before packs)",
            (screening.PolicyPublishedV1, screening.PolicyPackPublishedV1),
        ),
        Topic(
            screening.ASSET_CHECK_TOPIC,
            "screening",
            "Consent-gated family economic-status check requests to civil affairs",
            (screening.AssetCheckRequestedV1, screening.AssetCheckCancelledV1),
        ),
        Topic(
            screening.REGIONAL_RISK_TOPIC,
            "screening",
            "Scale-level risks of townships and counties",
            (screening.RegionalRiskRaisedV1,),
        ),
        Topic(
            screening.SWEEP_TOPIC,
            "screening",
            "Screening sweeps planned and each household's visit (集中排查, 回头看, monthly rounds)",
            screening.SWEEP_EVENTS,
        ),
        Topic(
            assistance.PLAN_TOPIC,
            "assistance",
            "Assistance plans and their measures, drafted to closed",
            assistance.PLAN_EVENTS,
        ),
        Topic(
            assistance.ELIMINATION_TOPIC,
            "assistance",
            "Risk-elimination procedure steps, village review to county approval",
            assistance.ELIMINATION_EVENTS,
        ),
        Topic(
            assistance.FOLLOW_UP_TOPIC,
            "assistance",
            "The township's follow-up of a household: monthly income and the 两不愁三保障 checks",
            assistance.FOLLOW_UP_EVENTS,
        ),
        Topic(
            audit.ACCESS_TOPIC, "every service", "Reads of households' personal data", (audit.PersonalDataAccessedV1,)
        ),
        Topic(
            ledger.CHECKPOINT_TOPIC,
            "ledger",
            "The ledger's signed checkpoints, witnessed outside its database",
            (ledger.CheckpointSignedV1,),
        ),
        Topic(
            assistance.DEPARTMENT_LIST_TOPIC,
            "assistance",
            "Each department's list: households whose risks and measures concern it, as their plans change",
            (assistance.DepartmentListEntryV1,),
        ),
        Topic(
            dept.DEPARTMENT_REPORT_TOPIC,
            "the departments (or assistance's REST reports)",
            "What departments carried out for the measures on their lists",
            (dept.DepartmentReportV1,),
        ),
        *[
            Topic(c.topic, f"department {c.department} (or screening's ingest)", f"{c.department} records", (c,))
            for c in dept.DEPT_CONTRACTS.values()
        ],
    ]
}


# Event types are unique across topics, so a type alone names its contract and its topic.
CONTRACTS_BY_TYPE: dict[str, type[EventContract]] = {c.type: c for t in TOPICS.values() for c in t.contracts}
assert len(CONTRACTS_BY_TYPE) == sum(len(t.contracts) for t in TOPICS.values()), "an event type is on two topics"


def contract_for(topic: str, event_type: str) -> type[EventContract] | None:
    contract = CONTRACTS_BY_TYPE.get(event_type)
    return contract if contract is not None and contract.topic == topic else None

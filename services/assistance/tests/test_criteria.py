"""The guarantees criterion reads screening's confirmed alerts beside the township's record."""

import datetime as dt
import uuid

from assistance.elimination.evaluate import Facts, guarantees_secured
from assistance.households.models import GuaranteeCheck
from assistance.plans.models import Plan
from assistance.projections.models import ConfirmedAlert

SIX = dict.fromkeys(["food", "clothing", "compulsory_education", "basic_medical", "housing", "drinking_water"], True)


def facts(alert_day: dt.date) -> Facts:
    household = uuid.uuid4()
    return Facts(
        plan=Plan(id=uuid.uuid4(), household_id=household, risks=["illness"], region_code="532504102001"),
        measures=[],
        labour="full",
        guarantee=GuaranteeCheck(id=uuid.uuid4(), household_id=household, checked_on=dt.date(2026, 11, 1), **SIX),
        months=[],
        incomes=[],
        line=None,
        alerts=[
            ConfirmedAlert(
                alert_id=uuid.uuid4(),
                household_id=household,
                rule="housing_unsafe",
                explanation="the house was appraised grade D and no renovation is recorded",
                confirmed_at=dt.datetime.combine(alert_day, dt.time(9), dt.UTC),
            )
        ],
    )


def test_a_confirmed_housing_alert_after_the_township_check_unsecures_housing() -> None:
    later = guarantees_secured(facts(dt.date(2026, 11, 10)), dt.date(2026, 11, 20))
    assert not later.met and "housing: the house was appraised grade D" in later.explanation
    assert any(e.startswith("alert:") for e in later.evidence)
    earlier = guarantees_secured(facts(dt.date(2026, 10, 1)), dt.date(2026, 11, 20))
    assert earlier.met  # the township checked after screening's alert

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


def test_income_is_judged_by_the_latest_line_and_says_when_it_is_assumed() -> None:
    from decimal import Decimal

    from assistance.elimination.evaluate import _months_before, income_stable
    from assistance.households.models import IncomeMonth
    from assistance.projections.models import PolicyLine

    on = dt.date(2026, 11, 27)
    base = facts(dt.date(2026, 10, 1))
    months = [IncomeMonth(month=m, per_capita=Decimal("900")) for m in _months_before(on, 12)]
    line_2020 = PolicyLine(region_prefix="532504", year=2020, version=1, monitoring_line=Decimal("4700"))
    line_2026 = PolicyLine(region_prefix="532504", year=2026, version=1, monitoring_line=Decimal("4700"))
    assumed = income_stable(Facts(**{**base.__dict__, "months": months, "line": line_2020}), on)
    assert assumed.met and "the 2020 line, assumed: no 2026 line is published" in assumed.explanation
    assert "assumed:2026" in assumed.evidence
    published = income_stable(Facts(**{**base.__dict__, "months": months, "line": line_2026}), on)
    assert published.met and "assumed" not in published.explanation

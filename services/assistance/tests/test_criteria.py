"""The guarantees criterion reads screening's confirmed alerts beside the township's record."""

import datetime as dt
import re
import uuid
from decimal import Decimal

from assistance.elimination.evaluate import (
    Alert,
    Facts,
    Guarantee,
    Month,
    guarantees_secured,
    income_stable,
    months_before,
)
from assistance.plans.models import Plan
from assistance.projections.models import PolicyPack
from common.policy import in_force

SIX = dict.fromkeys(["food", "clothing", "compulsory_education", "basic_medical", "housing", "drinking_water"], True)


def facts(alert_day: dt.date) -> Facts:
    household = uuid.uuid4()
    return Facts(
        plan=Plan(id=uuid.uuid4(), household_id=household, risks=["illness"], region_code="532504102001"),
        measures=[],
        labour="full",
        guarantee=Guarantee(id=uuid.uuid4(), checked_on=dt.date(2026, 11, 1), secured=SIX),
        months=[],
        incomes=[],
        pack=None,
        alerts=[
            Alert(
                alert_id=uuid.uuid4(),
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


def pack(year: int, line: str, **thresholds: object) -> PolicyPack:
    values = {"line": {"basis": "fixed", "amount": line}, "thresholds": thresholds}
    return PolicyPack(
        policy_id=uuid.uuid4(),
        jurisdiction="532504",
        level="county_city",
        prefixes=["532504"],
        year=year,
        version=1,
        effective_from=dt.date(year, 1, 1),
        pack=values,
    )


def test_income_is_judged_by_the_packs_in_force_as_screening_ranks_them() -> None:
    on = dt.date(2026, 11, 27)
    base = facts(dt.date(2026, 10, 1))
    months = [Month(month=m, per_capita=Decimal("900")) for m in months_before(on, 12)]
    packs = [pack(2020, "4700"), pack(2026, "4700")]
    earlier = in_force("532504103202", 2026, on, packs[:1])
    assumed = income_stable(Facts(**{**base.__dict__, "months": months, "pack": earlier}), on)
    assert assumed.met and "the 2020 line, assumed: no 2026 line is published" in assumed.explanation
    assert "assumed:2026" in assumed.evidence and "policy:532504:2020:v1" in assumed.evidence
    published = income_stable(
        Facts(**{**base.__dict__, "months": months, "pack": in_force("532504103202", 2026, on, packs)}), on
    )
    assert published.met and "assumed" not in published.explanation


def test_the_recent_months_test_is_the_packs() -> None:
    """A local default (6 months) until a document states another: the pack's value is what applies."""
    on = dt.date(2026, 11, 27)
    wanted = months_before(on, 12)
    # 12 months: 9 x 700 + 3 x 200 = 6,900, above 5,000; the last 6 annualise to 5,400 (above), the last 3
    # alone to 2,400 (below).
    months = [Month(month=m, per_capita=Decimal("700" if i < 9 else "200")) for i, m in enumerate(wanted)]
    base = facts(dt.date(2026, 10, 1))
    six = in_force("532504103202", 2026, on, [pack(2026, "5000")])
    three = in_force("532504103202", 2026, on, [pack(2026, "5000", income_recent_months=3)])
    by_six = income_stable(Facts(**{**base.__dict__, "months": months, "pack": six}), on)
    by_three = income_stable(Facts(**{**base.__dict__, "months": months, "pack": three}), on)
    assert by_six.met is True and "last 6 months annualized 5,400.00" in by_six.explanation
    assert by_three.met is False and "last 3 months annualize to 2,400.00" in by_three.explanation


def test_an_evaluation_as_a_dict_is_every_field_of_it() -> None:
    """as_dict is written by hand (for speed): it must keep what dataclasses.asdict gives, field for field."""
    from dataclasses import asdict

    from assistance.elimination.evaluate import evaluate

    on = dt.date(2026, 11, 20)
    ev = evaluate(facts(dt.date(2026, 11, 10)), on)
    assert ev.criteria and ev.as_dict() == asdict(ev)


def test_every_criterion_and_the_reason_are_explained_in_chinese() -> None:
    """The officers read the evaluation in Chinese: no criterion's explanation is English only."""
    from assistance.elimination.evaluate import evaluate

    for checked in (dt.date(2026, 11, 10), dt.date(2025, 1, 5)):  # a recent township check, and a stale one
        ev = evaluate(facts(checked), dt.date(2026, 11, 20))
        assert ev.reason_zh.startswith("未达到：") and not re.search(r"[A-Za-z]{3,}", ev.reason_zh)
        for c in ev.criteria:
            assert re.search(r"[\u4e00-\u9fff]", c.explanation_zh) and re.search(r"[\u4e00-\u9fff]", c.name_zh)
            assert not re.search(r"[A-Za-z]{3,}", c.explanation_zh), c.explanation_zh


def test_a_region_whose_pack_states_no_amount_is_judged_by_the_national_floor() -> None:
    """湖北省《关于建立防止返贫监测和帮扶机制的实施意见》(2020) 三(二): 低于国家扶贫标准1.5倍左右 (no amount);
    中农组发〔2021〕7号 二(二): 以脱贫攻坚期国家扶贫标准的1.5倍为底线. A Hubei household can be marked 风险消除
    on income stably above the floor, and is not on income below it."""
    on = dt.date(2026, 11, 27)
    hubei = PolicyPack(
        policy_id=uuid.uuid4(),
        jurisdiction="42",
        level="province",
        prefixes=["42"],
        year=2020,
        version=1,
        effective_from=dt.date(2020, 1, 1),
        pack={"line": {"basis": "unstated"}},
    )
    nation = PolicyPack(
        policy_id=uuid.uuid4(),
        jurisdiction="CN",
        level="national",
        prefixes=[""],
        year=2021,
        version=1,
        effective_from=dt.date(2021, 5, 14),
        pack={"line": {"basis": "unstated"}, "line_floor": "4428"},
    )
    found = in_force("420102002003", 2026, on, [hubei, nation])
    base = facts(dt.date(2026, 10, 1))
    above = [Month(month=m, per_capita=Decimal("500")) for m in months_before(on, 12)]  # 6,000 a year
    below = [Month(month=m, per_capita=Decimal("250")) for m in months_before(on, 12)]  # 3,000 a year
    stable = income_stable(Facts(**{**base.__dict__, "months": above, "pack": found}), on)
    assert stable.met and "the national floor" in stable.explanation and "national-floor" in stable.evidence
    poor = income_stable(Facts(**{**base.__dict__, "months": below, "pack": found}), on)
    assert not poor.met and "not above the line 4,428.00" in poor.explanation

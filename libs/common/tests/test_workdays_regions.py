import datetime as dt

import pytest

from common.regions import ancestors, full_name, level, regions, validate_region_code
from common.workdays import WorkdayCalendar, package_calendar, package_years


def calendar() -> WorkdayCalendar:
    return package_calendar()


def test_domain_example_across_national_day() -> None:
    deadline = calendar().add_workdays(dt.date(2026, 9, 28), 5)
    assert deadline.due == dt.date(2026, 10, 10) and not deadline.assumed


def test_adjusted_weekend_counts_and_unknown_years_are_flagged() -> None:
    cal = calendar()
    assert cal.is_workday(dt.date(2026, 10, 10))  # a Saturday worked for National Day
    assert not cal.is_workday(dt.date(2026, 10, 5))  # a Monday holiday
    crossing = cal.add_workdays(dt.date(2026, 12, 29), 5)
    assert crossing.assumed_years == (2027,)
    assert 2026 in package_years() and 2027 not in package_years()


def test_region_codes() -> None:
    assert len(regions()) > 600_000
    assert regions().name("532504103") == "虹溪镇"
    assert full_name("532504102001").startswith("云南省") and full_name("532504102001").endswith("新哨社区")
    assert level("532504102") == "township" and ancestors("532504102001") == ["53", "5325", "532504", "532504102"]
    assert validate_region_code("532504102001", required_level="village")
    with pytest.raises(ValueError, match="unknown"):
        validate_region_code("532504102999")
    with pytest.raises(ValueError, match="village"):
        validate_region_code("532504102", required_level="village")


def test_every_code_of_the_shared_vocabulary_has_its_chinese_label() -> None:
    from common.vocabulary import CHANNEL_ZH, LABOUR_ZH, OBJECT_ZH, RISK_ZH
    from contracts.shared import Channel, LabourCapacity, ObjectType, RiskCategory

    for codes, labels in (
        (RiskCategory, RISK_ZH),
        (ObjectType, OBJECT_ZH),
        (Channel, CHANNEL_ZH),
        (LabourCapacity, LABOUR_ZH),
    ):
        assert {c.value for c in codes} == set(labels), codes.__name__
        assert all(label and label.isascii() is False for label in labels.values())


def test_every_event_every_procedure_step_and_state_has_its_chinese_label() -> None:
    """The dossier names every event the log may hold, and a refusal every step and state, in Chinese."""
    from importlib import import_module

    from common.procedure import Procedure
    from common.vocabulary import EVENT_ZH, STATE_ZH, STEP_ZH, SUBJECT_ZH
    from contracts.topics import CONTRACTS_BY_TYPE

    assert set(CONTRACTS_BY_TYPE) == set(EVENT_ZH)
    modules = ("intake.cases.procedure", "screening.alerts.procedure", "assistance.plans.procedure")
    procedures = [
        p
        for m in (*modules, "assistance.elimination.procedure")
        for p in vars(import_module(m)).values()
        if isinstance(p, Procedure)
    ]
    assert len(procedures) >= 5
    for p in procedures:
        assert p.subject in SUBJECT_ZH
        assert {s.name for s in p.steps} <= set(STEP_ZH[p.subject]), p.subject
        assert set(p.states) <= set(STATE_ZH[p.subject]), p.subject

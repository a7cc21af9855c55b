"""The shipped packs and the rules that rank them: no database, no broker (the fast tier)."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from common.policy import in_force
from contracts.policy import VALUE_PATHS, MonitoringLine, PackValues, given_paths
from screening.policies.seeds import shipped


def test_every_value_a_shipped_pack_sets_cites_its_source() -> None:
    for p in shipped():
        given = given_paths(p.values.model_dump(mode="json", exclude_unset=True))
        unsourced = sorted(given - set(p.sources))
        assert not unsourced, f"{p.jurisdiction.code} {p.year}: no source for {unsourced}"
        assert set(p.sources) <= set(VALUE_PATHS)


def test_the_five_documents_are_shipped_with_their_variants() -> None:
    packs = {p.jurisdiction.code: p for p in shipped()}
    assert set(packs) == {"42", "64", "CN", "532504", "zhongkai"}
    # 湖北 (2020): 国家扶贫标准1.5倍左右, no amount: no income screening.
    assert packs["42"].values.line.amount is None
    assert packs["42"].values.report.scale_share_max == Decimal("0.10")
    # 宁开办发〔2020〕8号: the previous year's income, a joint review, a township re-check in 3 working days,
    # the monthly report in the first ten days, any vehicle on the list but not one held in name only.
    ningxia = packs["64"].values
    assert ningxia.income_year_offset == -1 and ningxia.identification.review_body == "村两委和村监会联合会议"
    assert ningxia.identification.township_recheck_working_days == 3 and ningxia.report.deadline_day == 10
    assert "any_vehicle" in ningxia.negative_list.items and not ningxia.negative_list.nominal_holdings_exclude
    assert {n.code for n in ningxia.not_assisted} >= {"housing_not_c_or_d", "excessive_education"}
    # 中农组发〔2021〕7号: the floor, one risk one measure, no or partial labour referred to the floor.
    national = packs["CN"].values
    assert national.line_floor == Decimal("4428.00") and national.measures.one_risk_one_measure
    assert national.measures.no_labour_referral == ["none", "partial"]
    # 弥勒市: the household survey, its reviewers, the 3rd of the next month, the city approves.
    mile = packs["532504"].values
    assert mile.identification.household_survey and "包村干部" in mile.identification.review_participants
    assert mile.report.deadline_day == 3 and mile.paperwork.approver == "市级"
    # 仲恺高新区: 1.5 x 10,236, five townships, villager representatives, the district approves.
    zhongkai = packs["zhongkai"]
    assert zhongkai.values.line.amount == Decimal("15354.00") and len(zhongkai.jurisdiction.prefixes) == 5
    assert zhongkai.valid_through == 2025 and zhongkai.values.identification.consent_exempt == ["dibao", "tekun"]
    assert zhongkai.values.identification.income_bands == [Decimal(6000), Decimal(9000), Decimal(14000)]
    assert zhongkai.values.paperwork.office == "区乡村振兴部门"


def test_a_line_says_its_basis() -> None:
    assert MonitoringLine(basis="dibao_multiple", dibao_standard=Decimal(10236), multiple=Decimal("1.5")).amount == (
        Decimal("15354.00")
    )
    with pytest.raises(ValidationError, match="is not"):
        MonitoringLine(basis="dibao_multiple", dibao_standard=Decimal(10236), multiple=Decimal("1.5"), amount=1)
    with pytest.raises(ValidationError, match="needs its amount"):
        MonitoringLine(basis="fixed")
    with pytest.raises(ValidationError, match="no amount"):
        MonitoringLine(basis="unstated", amount=Decimal(1))


@dataclass
class Row:
    level: str
    prefixes: list[str]
    year: int
    version: int = 1
    effective_from: dt.date = dt.date(2020, 1, 1)
    pack: dict[str, Any] = field(default_factory=dict)
    published_at: dt.datetime = dt.datetime(2021, 1, 1, tzinfo=dt.UTC)


NATIONAL = Row(
    "national",
    [""],
    2021,
    effective_from=dt.date(2021, 5, 14),
    pack={"identification": {"public_notice": True}, "mandatory": ["identification.public_notice"]},
)
MILE = Row("county_city", ["532504"], 2020, pack={"identification": {"public_notice": False}})
ZONE = Row("zone", ["441302007", "441302106"], 2021)


def test_a_jurisdiction_of_the_regions_own_outranks_the_national_pack_whatever_the_year() -> None:
    found = in_force("532504102001", 2026, dt.date(2026, 11, 27), [NATIONAL, MILE, ZONE])
    assert found is not None and found.pack is MILE and found.assumed
    # The national pack's mandatory value over Mile's 2020 document: a 2026 case has a public notice.
    assert found.values.identification.public_notice is True
    assert found.source_of("identification.public_notice") == "the national pack 2021 v1, mandatory from 2021"
    # In 2020 the national pack is not in force: Mile's document as it is.
    in_2020 = in_force("532504102001", 2020, dt.date(2020, 6, 1), [NATIONAL, MILE, ZONE])
    assert in_2020 is not None and in_2020.values.identification.public_notice is False and not in_2020.assumed


def test_a_zone_governs_its_townships_only_and_the_year_own_pack_wins() -> None:
    on = dt.date(2026, 11, 27)
    assert in_force("441302106001", 2021, on, [NATIONAL, ZONE]).pack is ZONE  # type: ignore[union-attr]
    assert in_force("441302001001", 2021, on, [NATIONAL, ZONE]).pack is NATIONAL  # type: ignore[union-attr]
    # A township's own pack, as specific as the zone's prefix for it: the later publication wins.
    later = dt.datetime(2021, 6, 1, tzinfo=dt.UTC)
    township = Row("zone", ["441302106"], 2021, effective_from=dt.date(2021, 7, 1), published_at=later)
    before = in_force("441302106001", 2021, dt.date(2021, 6, 30), [NATIONAL, ZONE, township])
    after = in_force("441302106001", 2021, dt.date(2021, 7, 1), [NATIONAL, ZONE, township])
    assert before.pack is ZONE and after.pack is township  # type: ignore[union-attr]
    assert after.outranked == (ZONE, NATIONAL)  # type: ignore[union-attr]
    assert in_force("441302106001", 2020, on, [NATIONAL, ZONE]) is None  # before any pack: none, never a guess


def test_mandatory_paths_are_value_paths() -> None:
    with pytest.raises(ValidationError, match="no such value"):
        PackValues(mandatory=["identification.no_such_thing"])


def _shipped_row(code: str) -> Row:
    p = next(p for p in shipped() if p.jurisdiction.code == code)
    return Row(
        p.jurisdiction.level,
        p.jurisdiction.prefixes or [""],
        p.year,
        effective_from=p.effective_from,
        pack=p.values.model_dump(mode="json", exclude_unset=True),
    )


def test_a_pack_that_states_no_amount_is_judged_by_the_national_floor_flagged_as_such() -> None:
    """湖北省《关于建立防止返贫监测和帮扶机制的实施意见》(2020) 三(二): 农村居民人均可支配收入低于国家扶贫标准1.5倍
    左右的家庭; 中农组发〔2021〕7号 二(二): 以脱贫攻坚期国家扶贫标准的1.5倍为底线. No amount stated is the floor,
    never no line at all."""
    hubei, nation = _shipped_row("42"), _shipped_row("CN")
    found = in_force("420102002003", 2026, dt.date(2026, 12, 8), [hubei, nation])
    assert found is not None and found.pack is hubei
    line = found.values.line
    assert line.basis == "national_floor" and line.amount == Decimal("4428.00")
    # A region no jurisdiction's pack governs: the national pack alone, which states no line either.
    alone = in_force("110101001001", 2026, dt.date(2026, 12, 8), [hubei, nation])
    assert alone is not None and alone.pack is nation and alone.values.line.amount == Decimal("4428.00")
    # Before the national pack was in force there is no floor to apply: no line, never a guess.
    in_2020 = in_force("420102002003", 2020, dt.date(2020, 6, 1), [hubei, nation])
    assert in_2020 is not None and in_2020.values.line.amount is None
    # A pack with its own amount keeps it.
    mile = Row("county_city", ["532504"], 2020, pack={"line": {"basis": "fixed", "amount": "4428"}})
    assert in_force("532504102001", 2026, dt.date(2026, 12, 8), [mile, nation]).values.line.basis == "fixed"  # type: ignore[union-attr]

"""Rules and alerts over the real broker and database: department records and income raise graded,
explained alerts under each shipped policy; the lifecycle ends with a case opened in intake."""

import datetime as dt
from typing import Any

from common import clock
from devkit.kit.screening import alerts_of, feed, household, income, person
from devkit.testing.fixtures import auth, eventually, resident_id
from intake.config import settings as intake_settings
from screening.config import settings


async def test_department_records_raise_graded_explained_alerts(services: Any) -> None:
    head, child = person(rid=resident_id()), person("child", "none")
    h = await household(services, "532504102001", [head, child])
    rid_head, rid_child = head["resident_id"], child["resident_id"]
    day = "2020-06-01"
    await feed(
        services,
        "medical-insurance",
        {
            "resident_id": rid_head,
            "event_date": day,
            "kind": "settlement",
            "total": "60000",
            "reimbursed": "8000",
            "out_of_pocket": "52000",
            "disease_category": "major",
        },
    )
    await feed(services, "housing", {"resident_id": rid_head, "event_date": day, "kind": "appraisal", "grade": "D"})
    await feed(
        services,
        "disability",
        {"resident_id": rid_child, "event_date": day, "action": "issued", "category": "physical", "grade": 1},
    )
    await feed(
        services, "education", {"resident_id": rid_child, "event_date": day, "level": "compulsory", "status": "dropout"}
    )
    await feed(services, "civil-affairs", {"resident_id": rid_head, "event_date": day, "kind": "death"})
    await feed(services, "civil-affairs", {"resident_id": rid_child, "event_date": day, "kind": "dibao_enrolled"})
    alerts = await alerts_of(services, h, count=6)
    assert {r: a["grade"] for r, a in alerts.items()} == {
        "medical_out_of_pocket_high": "red",
        "housing_unsafe": "red",
        "severe_disability_lost_labour": "red",
        "school_dropout": "orange",
        "main_labourer_death": "red",
        "new_social_floor_enrolment": "yellow",
    }
    medical = alerts["medical_out_of_pocket_high"]
    assert "52,000.00 CNY" in medical["explanation"] and "20,000.00 CNY" in medical["explanation"]
    assert "policy 532504 2020" in medical["explanation"] and medical["evidence"][0].startswith("medical-insurance:")
    assert medical["region_code"] == "532504102001" and medical["year"] == 2020
    assert medical["explanation_zh"].startswith("2020年医疗个人自付费用52,000.00元，超过20,000.00元（依据：")
    assert dt.date.fromisoformat(medical["verify_by"]) > clock.today()

    # new evidence updates the open alert instead of opening another
    await feed(
        services,
        "medical-insurance",
        {
            "resident_id": rid_head,
            "event_date": "2020-08-01",
            "kind": "settlement",
            "total": "9000",
            "reimbursed": "1000",
            "out_of_pocket": "8000",
        },
    )

    async def two_settlements() -> dict[str, Any] | None:
        a = (await alerts_of(services, h, 6))["medical_out_of_pocket_high"]
        return a if len(a["evidence"]) == 2 else None

    updated = await eventually(two_settlements)
    assert updated["id"] == medical["id"] and "60,000.00 CNY" in updated["explanation"]


async def test_income_is_judged_by_each_jurisdictions_line(services: Any) -> None:
    mile = await household(services, "532504102001", [person(), person("spouse")])
    ningxia = await household(services, "640104001002", [person(), person("spouse")])
    zhongkai = await household(services, "441302106001", [person(), person("spouse")])
    await income(services, mile, 2019, "20000")  # 10,000 per capita the year before
    await income(services, ningxia, 2020, "9600")  # below Ningxia's 5,000
    await income(services, zhongkai, 2021, "30000")  # 15,000: below Zhongkai's 15,354
    ningxia_alert = (await alerts_of(services, ningxia))["income_below_line"]
    assert "4,800.00 CNY" in ningxia_alert["explanation"] and "5,000.00 CNY" in ningxia_alert["explanation"]
    assert "15,354.00 CNY" in (await alerts_of(services, zhongkai))["income_below_line"]["explanation"]
    # 4,800 per capita in 2020: above Mile's 4,428, but a 52% drop, and rigid costs above last year's income
    await income(services, mile, 2020, "9600", medical_expense="25000")
    mile_alerts = await alerts_of(services, mile, count=2)
    assert set(mile_alerts) == {"income_drop", "rigid_expense_exceeds_income"}
    assert "fell 52%" in mile_alerts["income_drop"]["explanation"]
    assert "25,000.00 CNY" in mile_alerts["rigid_expense_exceeds_income"]["explanation"]


async def test_alert_lifecycle_opens_a_case_in_intake(services: Any) -> None:
    screening, intake = await services.client("screening"), await services.client("intake")
    head = person()
    h = await household(services, "532504102001", [head])
    await feed(
        services,
        "housing",
        {"resident_id": head["resident_id"], "event_date": "2020-03-01", "kind": "appraisal", "grade": "C"},
    )
    alert = (await alerts_of(services, h))["housing_unsafe"]
    cadre = auth(settings, "village_cadre", "532504102", sub="cadre-visit")
    township = auth(settings, "township_officer", "532504102", sub="township-verify")
    other_township = auth(settings, "township_officer", "532504103")
    early = await screening.post(f"/alerts/{alert['id']}/confirmation", json={}, headers=township)
    assert early.status_code == 409 and early.json()["allowed_actions"] == ["dismiss", "verify"]
    assert (await screening.get(f"/alerts/{alert['id']}", headers=other_township)).status_code == 404
    r = await screening.post(f"/alerts/{alert['id']}/verification", json={"note": "visited"}, headers=cadre)
    assert r.json()["state"] == "verifying"
    assert (await screening.post(f"/alerts/{alert['id']}/confirmation", json={}, headers=cadre)).status_code == 403
    r = await screening.post(f"/alerts/{alert['id']}/confirmation", json={"note": "墙体开裂属实"}, headers=township)
    assert r.json()["state"] == "confirmed"

    async def case() -> dict[str, Any] | None:
        items = (
            await intake.get(
                "/cases",
                params={"household_id": h["id"]},
                headers=auth(intake_settings, "township_officer", "532504102"),
            )
        ).json()["items"]
        return items[0] if items else None

    opened = await eventually(case)
    assert opened["channels"] == ["department_alert"] and opened["risk_categories"] == ["housing_unsafe"]
    dismissed = await screening.post(f"/alerts/{alert['id']}/dismissal", json={"reason": "x"}, headers=township)
    assert dismissed.status_code == 409


async def test_emergency_management_and_human_resources_feeds_raise_their_alerts(services: Any) -> None:
    """Disasters, accidents, lost work, serious illness and unsafe water enter through the departments' feeds,
    not only when someone declares them (seeds 000, 002, 004), each alert explained in Chinese."""
    head, spouse = person(rid=resident_id()), person("spouse", rid=resident_id())
    h = await household(services, "532504102001", [head, spouse])
    day = clock.today().isoformat()
    flood = {"kind": "natural_disaster", "hazard": "flood", "direct_loss": "26000", "house_damaged": True}
    await feed(services, "emergency-management", {"resident_id": head["resident_id"], "event_date": day, **flood})
    await feed(
        services,
        "human-resources",
        {"resident_id": spouse["resident_id"], "event_date": day, "kind": "returned_migrant", "monthly_wage": "4200"},
    )
    await feed(services, "health", {"resident_id": spouse["resident_id"], "event_date": day, "kind": "diagnosis",
                                    "disease_category": "major"})  # fmt: skip
    await feed(services, "water", {"resident_id": head["resident_id"], "event_date": day, "kind": "unsafe",
                                   "issue": "quantity"})  # fmt: skip
    await feed(services, "finance", {"resident_id": head["resident_id"], "event_date": day, "kind": "loan_overdue",
                                     "loan_id": "XD2026-001", "amount": "50000", "overdue_days": 60})  # fmt: skip
    alerts = await alerts_of(services, h, count=5)
    assert {r: (a["category"], a["grade"]) for r, a in alerts.items()} == {
        "natural_disaster_loss": ("natural_disaster", "red"),
        "employment_lost": ("unstable_employment", "orange"),
        "serious_illness": ("illness", "orange"),
        "drinking_water_unsafe": ("drinking_water_unsafe", "orange"),
        "microloan_overdue": ("microloan_overdue", "orange"),
    }
    assert "扶贫小额信贷1笔共50000.00元逾期，最长60天" in alerts["microloan_overdue"]["explanation_zh"]
    assert alerts["drinking_water_unsafe"]["explanation_zh"].endswith("家庭饮水不安全（水量不足）")
    assert "洪涝灾害" in alerts["natural_disaster_loss"]["explanation_zh"]
    assert "房屋受损" in alerts["natural_disaster_loss"]["explanation_zh"]
    assert "返乡（务工中断）" in alerts["employment_lost"]["explanation_zh"]
    assert alerts["employment_lost"]["evidence"][0].startswith("human-resources:")

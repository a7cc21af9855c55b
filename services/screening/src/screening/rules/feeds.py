"""The rules of the later department feeds (emergency management, human resources, health, water, the banks):
each a pure function of the household's records, explained in English and in Chinese like the others."""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from screening.rules.facts import Finding, Limits, Profile, Record, _cny, _yuan

HAZARD_ZH = {
    "flood": "洪涝灾害",
    "drought": "旱灾",
    "meteorological": "气象灾害",
    "earthquake": "地震灾害",
    "geological": "地质灾害",
    "biological": "生物灾害",
    "fire": "火灾",
    "traffic": "交通事故",
    "other": "其他灾害事故",
}


def _in_order(recs: list[Record], department: str) -> list[Record]:
    """A department's records oldest first (by event date, then reference): the last one of a person, a loan
    or a household is the one that decides."""
    return sorted((r for r in recs if r.department == department), key=lambda r: (r.on or dt.date.min, r.ref))


def _struck(recs: list[Record], kinds: tuple[str, ...], lim: Limits) -> Record | None:
    """The emergency-management record of one of `kinds` that counts: a direct loss at or above the pack's
    threshold, the house damaged, or someone hurt or killed."""
    for r in sorted(recs, key=lambda r: r.ref):
        if r.department != "emergency-management" or r.facts["kind"] not in kinds:
            continue
        f = r.facts
        if (
            Decimal(f["direct_loss"]) >= lim.disaster_loss
            or f.get("house_damaged")
            or f.get("injured")
            or f.get("deaths")
        ):
            return r
    return None


def _impact(r: Record) -> tuple[str, str]:
    f = r.facts
    en = [f"direct loss {_cny(Decimal(f['direct_loss']))}"]
    zh_parts = [f"直接经济损失{_yuan(Decimal(f['direct_loss']))}"]
    if f.get("house_damaged"):
        en.append("the house damaged")
        zh_parts.append("房屋受损")
    if f.get("injured"):
        en.append(f"{f['injured']} injured")
        zh_parts.append(f"{f['injured']}人受伤")
    if f.get("deaths"):
        en.append(f"{f['deaths']} dead")
        zh_parts.append(f"{f['deaths']}人死亡")
    return ", ".join(en), "，".join(zh_parts)


def natural_disaster_loss(p: Profile, recs: list[Record], lim: Limits, year: int) -> Finding | None:
    """中农组发〔2021〕7号: 因灾……导致基本生活出现严重困难; 《仲恺高新区健全防止返贫动态监测和帮扶机制工作方案》(2021)
    三(二) 因自然灾害 (洪涝、地质、旱灾、生物、气象、地震): reported by emergency management."""
    r = _struck(recs, ("natural_disaster",), lim)
    if r is None:
        return None
    en, zh_text = _impact(r)
    hazard = r.facts["hazard"]
    return Finding(
        "natural_disaster_loss",
        f"emergency management: the household was hit by a {hazard} disaster in {year}: {en}",
        [r.ref],
        f"应急管理部门数据：{year}年遭受{HAZARD_ZH.get(hazard, hazard)}，{zh_text}",
    )


def accident_loss(p: Profile, recs: list[Record], lim: Limits, year: int) -> Finding | None:
    """中农组发〔2021〕7号: 因……意外事故等导致基本生活出现严重困难: a fire or another accident reported by emergency
    management."""
    r = _struck(recs, ("fire", "accident"), lim)
    if r is None:
        return None
    en, zh_text = _impact(r)
    what = "火灾" if r.facts["kind"] == "fire" else HAZARD_ZH.get(r.facts["hazard"], "意外事故")
    return Finding(
        "accident_loss",
        f"emergency management: a {r.facts['kind']} ({r.facts['hazard']}) in {year}: {en}",
        [r.ref],
        f"应急管理部门数据：{year}年发生{what}，{zh_text}",
    )


LOST_WORK = {
    "unemployment_registered": ("registered unemployed", "登记失业"),
    "employment_ended": ("employment ended", "就业终止"),
    "returned_migrant": ("came back from migrant work", "返乡（务工中断）"),
}


def employment_lost(p: Profile, recs: list[Record], lim: Limits, year: int) -> Finding | None:
    """中农组发〔2021〕7号 and 《仲恺高新区健全防止返贫动态监测和帮扶机制工作方案》(2021): 因务工就业不稳: a member who
    can work lost their work (human resources), and no later record says they started again."""
    labourers = {
        m["id_index"] for m in p.members if m.get("active", True) and m["labour_capacity"] in ("full", "partial")
    }
    latest = {r.id_index: r for r in _in_order(recs, "human-resources")}
    lost = [r for who, r in latest.items() if who in labourers and r.facts["kind"] in LOST_WORK]
    if not lost:
        return None
    kinds = sorted({r.facts["kind"] for r in lost})
    return Finding(
        "employment_lost",
        f"human resources: {len(lost)} member(s) who can work {', '.join(LOST_WORK[k][0] for k in kinds)} in {year}, "
        "with no work started since",
        [r.ref for r in lost],
        f"人社部门数据：{year}年{len(lost)}名有劳动能力的家庭成员"
        f"{'、'.join(LOST_WORK[k][1] for k in kinds)}，尚无再就业记录",
    )


def serious_illness(p: Profile, recs: list[Record], lim: Limits, year: int) -> Finding | None:
    """《仲恺高新区健全防止返贫动态监测和帮扶机制工作方案》(2021) 二(一): 重点关注大病重病和负担较重的慢性病患者: a
    major disease diagnosed, or a year's hospital stays at or beyond the pack's days (health commission)."""
    health = sorted((r for r in recs if r.department == "health"), key=lambda r: r.ref)
    major = [r for r in health if r.facts["kind"] == "diagnosis" and r.facts["disease_category"] == "major"]
    stays: dict[str, int] = defaultdict(int)
    for r in health:
        if r.facts["kind"] == "hospital_stay":
            stays[r.id_index] += int(r.facts.get("days") or 0)
    long_stay = {who: days for who, days in stays.items() if days >= lim.hospital_stay_days}
    if not major and not long_stay:
        return None
    if major:
        return Finding(
            "serious_illness",
            f"health commission: a member was diagnosed with a major disease in {year}",
            [r.ref for r in major],
            f"卫生健康部门数据：{year}年家庭成员确诊大病重病",
        )
    days = max(long_stay.values())
    return Finding(
        "serious_illness",
        f"health commission: a member spent {days} days in hospital in {year} (threshold {lim.hospital_stay_days})",
        [r.ref for r in health if r.id_index in long_stay],
        f"卫生健康部门数据：{year}年家庭成员住院{days}天，达到{lim.hospital_stay_days}天",
    )


WATER_ISSUE_ZH = {
    "quantity": "水量不足",
    "quality": "水质不达标",
    "access": "取水不便",
    "guarantee_rate": "供水保证率不足",
}


def drinking_water_unsafe(p: Profile, recs: list[Record], lim: Limits, year: int) -> Finding | None:
    """《仲恺高新区健全防止返贫动态监测和帮扶机制工作方案》(2021): 饮水安全 is one of the risks it watches, and
    "两不愁三保障及饮水安全" the elimination criterion: the water department's latest record decides."""
    water = _in_order(recs, "water")
    if not water or water[-1].facts["kind"] != "unsafe":
        return None
    issue = water[-1].facts.get("issue")
    return Finding(
        "drinking_water_unsafe",
        f"water: the household's drinking water is unsafe ({issue or 'unspecified'}) in {year}",
        [water[-1].ref],
        f"水利部门数据：{year}年家庭饮水不安全（{WATER_ISSUE_ZH.get(issue or '', '未说明')}）",
    )


def microloan_overdue(p: Profile, recs: list[Record], lim: Limits, year: int) -> Finding | None:
    """《仲恺高新区健全防止返贫动态监测和帮扶机制工作方案》(2021) 二(三): 小额贷款逾期风险: a member's micro-loan whose
    latest record (the lending bank's, by loan id) has it overdue for at least the pack's days."""
    latest = {r.facts["loan_id"]: r for r in _in_order(recs, "finance")}
    overdue = [
        r
        for r in latest.values()
        if r.facts["kind"] == "loan_overdue" and int(r.facts.get("overdue_days") or 0) >= lim.microloan_overdue_days
    ]
    if not overdue:
        return None
    days = max(int(r.facts["overdue_days"]) for r in overdue)
    total = sum((Decimal(str(r.facts["amount"])) for r in overdue), Decimal(0))
    return Finding(
        "microloan_overdue",
        f"finance: {len(overdue)} micro-loan(s) of {_cny(total)} overdue up to {days} days in {year} "
        f"(threshold {lim.microloan_overdue_days} days)",
        [r.ref for r in overdue],
        f"金融机构数据：{year}年扶贫小额信贷{len(overdue)}笔共{total:.2f}元逾期，最长{days}天"
        f"（达到{lim.microloan_overdue_days}天）",
    )

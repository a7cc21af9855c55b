"""Not assisted (不予帮扶, 宁开办发〔2020〕8号 五(八)), as the household's jurisdiction's pack lists it: a finding
takes the measure or the expense concerned out of the plan, which stays; only an item the pack says excludes
the household excludes the plan."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from assistance.plans.models import Plan
from assistance.plans.service import (
    STEPS,
    check,
    ensure_in_force,
    measure_of,
    measures_of,
    procedure_of,
    withdraw,
)
from assistance.projections.models import PolicyPack
from common import clock, policy
from common.auth import Principal
from common.errors import ValidationFailed
from contracts.policy import NotAssisted


async def not_assisted_item(
    session: AsyncSession, plan: Plan, code: str, field: str = "code"
) -> tuple[NotAssisted, str]:
    """The item of the not-assisted list of the pack in force where the household lives, and the pack."""
    today = clock.today()
    found = (await policy.packs_in_force(session, PolicyPack, {plan.region_code}, today))[plan.region_code]
    items = {i.code: i for i in (found.values.not_assisted if found else [])}
    ref = found.pack.ref if found else "no policy pack"
    if code not in items:
        listed = ", ".join(f"{c} ({i.zh})" for c, i in items.items())
        raise ValidationFailed(
            f"Not on the not-assisted list of this jurisdiction's pack ({ref})"
            + (f": {listed}" if listed else ": its pack lists none"),
            errors=[
                {
                    "field": field,
                    "message": f"{code} is not on the list",
                    "type": "value_error",
                    "message_zh": "不在清单中",
                }
            ],
            zh="不在本辖区政策包的不予帮扶清单中",
        )
    return items[code], ref


async def record_not_assisted(session: AsyncSession, principal: Principal, plan: Plan, body: dict[str, Any]) -> Plan:
    """A not-assisted finding (不予帮扶): the measures concerned leave the plan (withdrawn, kept), or the
    expense concerned is recorded as excluded; the plan and its other measures stay. An item the pack says
    excludes the household excludes the plan."""
    await check(session, plan, "record_not_assisted", principal)
    item, ref = await not_assisted_item(session, plan, body["code"])
    if item.excludes == "household":
        return await exclude(session, principal, plan, item.code, body["note"], checked=True)
    finding = {
        "code": item.code,
        "zh": item.zh,
        "excludes": item.excludes,
        "note": body["note"],
        "policy": ref,
        "by": principal.sub,
        "at": clock.now().isoformat(),
    }
    if item.excludes == "measure":
        ids = body.get("measure_ids") or []
        if not ids:
            raise ValidationFailed(
                f"{item.zh} excludes a measure: name it",
                errors=[
                    {
                        "field": "measure_ids",
                        "message": "at least one measure",
                        "type": "value_error",
                        "message_zh": "至少指明一项措施",
                    }
                ],
                zh=f"{item.zh}排除的是帮扶措施：请指明哪些措施",
            )
        measures = [await measure_of(session, plan, i) for i in ids]
        for m in measures:
            ensure_in_force(m)
            if item.measure_kinds and m.code not in item.measure_kinds:
                raise ValidationFailed(
                    f"{item.zh} excludes {', '.join(item.measure_kinds)} measures, not {m.code}",
                    errors=[
                        {
                            "field": "measure_ids",
                            "message": f"{m.id} is a {m.code} measure",
                            "type": "value_error",
                            "message_zh": "此项认定不涉及该类措施",
                        }
                    ],
                    zh="此项不予帮扶认定不涉及该类措施",
                )
        finding["measure_ids"] = [str(m.id) for m in measures]
        await withdraw(session, plan, measures, principal.sub, f"not assisted: {item.zh} ({ref}): {body['note']}")
    else:
        if body.get("amount") is None or body.get("year") is None:
            raise ValidationFailed(
                f"{item.zh} excludes an expense: give its amount and year",
                errors=[
                    {
                        "field": "amount",
                        "message": "amount and year required",
                        "type": "value_error",
                        "message_zh": "须填写金额和年度",
                    }
                ],
                zh=f"{item.zh}排除的是一项支出：请填写金额和年度",
            )
        finding |= {"amount": str(body["amount"]), "year": body["year"]}
    plan.not_assisted = [*plan.not_assisted, finding]
    plan.updated_at = clock.now()
    await session.flush()
    return plan


async def exclude(
    session: AsyncSession, principal: Principal, plan: Plan, reason: str, note: str, *, checked: bool = False
) -> Plan:
    """The whole plan excluded: only for an item the jurisdiction's pack says excludes the household."""
    procedure = (await procedure_of(session, plan))[0]
    procedure.check(plan.state, "exclude", principal, plan)
    if not checked:
        item, ref = await not_assisted_item(session, plan, reason, "reason")
        if item.excludes != "household":
            raise ValidationFailed(
                f"{item.zh} excludes the {item.excludes} concerned, not the household's plan ({ref}): record it "
                "as a not-assisted finding (POST /plans/{plan_id}/not-assisted)",
                errors=[
                    {
                        "field": "reason",
                        "message": f"excludes the {item.excludes} only",
                        "type": "value_error",
                        "message_zh": "只排除相关的支出或措施",
                    }
                ],
                zh=f"{item.zh}只排除相关的{'支出' if item.excludes == 'expense' else '措施'}，不排除整个帮扶计划："
                "请登记为不予帮扶认定",
            )
    plan.excluded_reason, plan.excluded_note = reason, note
    plan.updated_at = clock.now()

    async def withdraw_all() -> None:  # the measures leave with the plan's new state on their record
        await withdraw(session, plan, await measures_of(session, plan.id), principal.sub, f"plan excluded: {reason}")

    await procedure.apply(session, STEPS, plan, "exclude", principal, then=withdraw_all)
    return plan

"""In a real browser: an assisted household's risk is proposed for elimination with its village review,
noticed by the cadre, accepted by the township and approved by the county in a batch."""

from typing import Any

import pytest

from devkit.kit.assistance import approved_plan, implement_all, income_and_guarantees, monitored
from devkit.kit.people import TOWNSHIP
from devkit.testing.fixtures import eventually

from .test_identification_in_browser import shot, sign_in

pytestmark = pytest.mark.usefixtures("services")


async def test_a_risk_eliminated(console_url: str, browser: Any, services: Any) -> None:
    intake = await services.client("intake")
    assistance = await services.client("assistance")
    household, _ = await monitored(intake, ["illness"])
    plan = await approved_plan(assistance, household)
    await implement_all(assistance, plan)
    await income_and_guarantees(assistance, intake, household)

    async def eligible() -> bool:
        r = await assistance.get(f"/households/{household['id']}/elimination-evaluation", headers=TOWNSHIP)
        return r.status_code == 200 and r.json()["eligible"]

    assert await eventually(eligible)
    url = console_url

    cadre = await sign_in(browser, url, "village_cadre", "532504102", "张干部")
    await cadre.goto(f"{url}/households/{household['id']}?purpose=风险消除办理")
    assert "符合风险消除条件" in await cadre.locator("[data-testid=evaluation]").inner_text()
    propose = cadre.locator("[data-testid=form-propose]")
    await propose.locator("input[name=meeting_date]").fill("2026-11-02")
    await propose.locator("input[name=representatives_present]").fill("21")
    await propose.locator("input[name=votes_for]").fill("19")
    await propose.locator("button").click()
    await cadre.wait_for_url(f"{url}/eliminations/*")
    page_url = cadre.url
    notice = cadre.locator("[data-testid=form-notice]")
    await notice.locator("input[name=published_on]").fill("2026-11-03")
    await notice.locator("button").click()
    await cadre.wait_for_url(f"{page_url}?done=notice")
    assert await cadre.locator("[data-testid=elimination-state]").inner_text() == "公示中"

    township = await sign_in(browser, url, "township_officer", "532504102", "李干部")
    await township.goto(page_url)
    accept = township.locator("[data-testid=form-accept]")
    await accept.locator("input[name=accepted_on]").fill("2026-11-20")
    await accept.locator("input[name=village_secretary]").fill("赵书记")
    await accept.locator("input[name=officer_name]").fill("李干部")
    await accept.locator("input[name=monitor_contact]").fill("陈联系人")
    await accept.locator("button").click()  # without the head's signature: refused beside it
    assert "户主签字同意后方可验收" in await township.locator("#elimination-step-accept").inner_text()
    accept = township.locator("[data-testid=form-accept]")
    await accept.locator("input[name=head_signed]").check()
    for name, value in (("accepted_on", "2026-11-20"), ("village_secretary", "赵书记"), ("officer_name", "李干部"),
                        ("monitor_contact", "陈联系人")):  # fmt: skip
        await accept.locator(f"input[name={name}]").fill(value)
    await accept.locator("button").click()
    await township.wait_for_url(f"{page_url}?done=accept")
    assert await township.locator("[data-testid=elimination-state]").inner_text() == "已乡镇验收"

    county = await sign_in(browser, url, "county_officer", "532504", "王科长")
    queue = county.locator("[data-testid=queue-eliminations]")
    elimination_id = page_url.rsplit("/", 1)[1]
    await queue.locator(f"input[name=elimination_ids][value='{elimination_id}']").check()
    await queue.locator("input[name=approval_no]").fill(f"弥防返贫消〔2026〕{household['household_no'][:6]}号")
    await queue.locator("input[name=approved_on]").fill("2026-11-23")
    await queue.locator("button").click()
    summary = await county.locator("[data-testid=batch-summary]").inner_text()
    assert "已批准 1 户" in summary, summary
    await county.goto(page_url)
    assert await county.locator("[data-testid=elimination-state]").inner_text() == "已审定"
    await shot(county, "13-county-elimination-approved")

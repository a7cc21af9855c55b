"""In a real browser: a monitored household's plan gets its measures' cadres and dates from the township, its
village review and notice from the cadre, and the township's approval."""

from typing import Any

import pytest

from devkit.kit.assistance import MEASURES_NOTICE, MEASURES_REVIEW, monitored

from .test_identification_in_browser import shot, sign_in

pytestmark = pytest.mark.usefixtures("services")


async def test_a_plan_drafted_reviewed_and_approved(console_url: str, browser: Any, services: Any) -> None:
    intake = await services.client("intake")
    await services.client("assistance")
    household, _ = await monitored(intake, ["illness"])
    url = console_url

    township = await sign_in(browser, url, "township_officer", "532504102", "李干部")
    await township.goto(f"{url}/households/{household['id']}?purpose=帮扶计划办理")
    for _ in range(100):  # assistance drafts the plan from the county's approval, across the bus
        if await township.locator("[data-testid=plans] a").count():
            break
        await township.wait_for_timeout(200)
        await township.reload()
    await township.locator("[data-testid=plans] a").first.click()
    await township.wait_for_url(f"{url}/plans/*")
    plan_url = township.url.split("?")[0]
    assert await township.locator("[data-testid=plan-state]").inner_text() == "草拟"
    # Each measure gets its cadre and dates; a due date left out is refused beside the field.
    first = township.locator("[data-testid=form-assign-1]")
    await first.locator("input[name=responsible_cadre]").fill("结对干部 陈")
    await first.locator("button").click()
    assert "请填写完成期限" in await township.locator("[data-testid=form-assign-1]").inner_text()
    while await township.locator("[data-testid=form-assign-1]").count():
        form = township.locator("[data-testid=form-assign-1]")
        await form.locator("input[name=responsible_cadre]").fill("结对干部 陈")
        await form.locator("input[name=start_date]").fill("2026-10-20")
        await form.locator("input[name=due_date]").fill("2026-12-31")
        await form.locator("button").click()
        await township.wait_for_url(f"{plan_url}?done=assign_measure")
    await shot(township, "10-township-plan-measures")

    cadre = await sign_in(browser, url, "village_cadre", "532504102", "张干部")
    queue = cadre.locator("[data-testid=queue-plans]")
    assert int((await queue.locator(".count").inner_text()).rstrip("+")) >= 1
    await cadre.goto(plan_url)
    review = cadre.locator("[data-testid=form-village_review]")
    await review.locator("input[name=meeting_date]").fill(MEASURES_REVIEW["meeting_date"])
    await review.locator("input[name=representatives_present]").fill(str(MEASURES_REVIEW["representatives_present"]))
    await review.locator("input[name=votes_for]").fill(str(MEASURES_REVIEW["votes_for"]))
    await review.locator("button").click()
    await cadre.wait_for_url(f"{plan_url}?done=village_review")
    notice = cadre.locator("[data-testid=form-notice]")
    await notice.locator("input[name=published_on]").fill(MEASURES_NOTICE)
    await notice.locator("button").click()
    await cadre.wait_for_url(f"{plan_url}?done=notice")
    assert await cadre.locator("[data-testid=form-approve]").count() == 0  # not the cadre's to approve
    await shot(cadre, "11-cadre-plan-notice")

    await township.goto(plan_url)
    await township.locator("[data-testid=form-approve] button").click()
    await township.wait_for_url(f"{plan_url}?done=approve")
    assert await township.locator("[data-testid=plan-state]").inner_text() == "已批准"
    await shot(township, "12-township-plan-approved")

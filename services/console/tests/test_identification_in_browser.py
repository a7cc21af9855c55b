"""In a real browser: a village cadre declares a household and attaches its consent, the village review and
notice, a township officer verifies, a county officer approves in a batch. Screenshots in build/console/."""

from typing import Any

import httpx
import pytest
from playwright.async_api import expect

from devkit.kit.households import TOWNSHIP_A, headers, household_body
from devkit.kit.identification import DECLARED_ON, PARTICIPANTS
from devkit.testing.fixtures import on_day

from .conftest import SHOTS

pytestmark = pytest.mark.usefixtures("services")


async def sign_in(browser: Any, url: str, role: str, area: str, name: str, department: str = "") -> Any:
    context = await browser.new_context(locale="zh-CN", viewport={"width": 412, "height": 915})  # a phone
    context.set_default_timeout(15_000)
    page = await context.new_page()
    await page.goto(f"{url}/signin")
    await page.select_option("select[name=role]", role)
    await page.fill("input[name=area]", area)
    await page.fill("input[name=name]", name)
    if department:
        await page.select_option("select[name=department]", department)
    await page.get_by_role("button", name="登录", exact=True).click()
    await page.wait_for_url(f"{url}/")
    return page


async def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


async def attach_scan(page: Any, field: str, content: bytes) -> None:
    import hashlib

    form = page.locator(f"[data-testid=file-{field}]")
    await form.set_input_files({"name": f"{field}.pdf", "mimeType": "application/pdf", "buffer": content})
    digest = page.locator(f"[data-testid={field}]")
    await digest.evaluate(
        "(el, want) => new Promise(ok => { const t = () => el.value === want ? ok() : setTimeout(t, 20); t(); })",
        hashlib.sha256(content).hexdigest(),
    )


async def test_a_household_through_identification(console_url: str, browser: Any, services: Any) -> None:
    intake: httpx.AsyncClient = await services.client("intake")
    body = household_body()
    created = await intake.post("/households", json=body, headers=headers("village_cadre", TOWNSHIP_A))
    assert created.status_code == 201, created.text
    household, spouse_id = created.json(), body["members"][1]["resident_id"]
    url = console_url

    # The village cadre finds the household by its number and declares it.
    cadre = await sign_in(browser, url, "village_cadre", "532504102", "张干部")
    await shot(cadre, "01-cadre-workbench")
    # By the ID number of a member: sent in the form's body, never in an address.
    await cadre.get_by_role("link", name="查找农户").click()
    await cadre.fill("[data-testid=search-q]", spouse_id)
    await cadre.get_by_role("button", name="查找").click()
    assert spouse_id not in cadre.url + await cadre.content()
    assert await cadre.get_by_role("link", name="查看", exact=True).count() == 1
    await cadre.fill("[data-testid=search-q]", household["household_no"])
    await cadre.get_by_role("button", name="查找").click()
    await cadre.get_by_role("link", name="查看", exact=True).click()
    form = cadre.locator("[data-testid=form-declare]")
    await form.locator("select[name=patient_member_id]").select_option(index=1)
    await form.locator("input[name=out_of_pocket_medical]").fill("38000")
    # Declared on the day the consent is signed, as the kit's cases are: no later step is dated before it.
    with on_day(DECLARED_ON):
        await form.locator("button").click()
        await cadre.wait_for_url(f"{url}/cases/*")
    assert await cadre.locator("[data-testid=case-state]").inner_text() == "已申报"
    case_url = cadre.url
    await shot(cadre, "02-cadre-declared")

    # The consent: the scanned letter's digest is computed in the browser.
    consent = cadre.locator("[data-testid=form-attach_consent]")
    # Offered as now in Beijing time (10:00 on the day the page was drawn: the declaration's), which is how the
    # service reads what is sent.
    assert (await consent.locator("input[name=signed_at]").input_value()).startswith(f"{DECLARED_ON}T10:")
    await consent.locator("input[name=signed_at]").fill("2026-09-20T09:00")
    # A digest that is not the file's (typed over, or the file changed after) is refused beside the field.
    await attach_scan(cadre, "sha256", b"%PDF-1.4 scanned commitment and authorization letter")
    await consent.locator("[data-testid=sha256]").evaluate("el => { el.value = 'a'.repeat(64); }")
    await consent.locator("button").click()
    assert "与浏览器计算的摘要不一致" in await cadre.locator("#step-attach_consent").inner_text()
    assert await cadre.locator("[data-testid=case-state]").inner_text() == "已申报"
    consent = cadre.locator("[data-testid=form-attach_consent]")
    await consent.locator("input[name=signed_at]").fill("2026-09-20T09:00")
    await attach_scan(cadre, "sha256", b"%PDF-1.4 scanned commitment and authorization letter")
    await consent.locator("button").click()
    await cadre.wait_for_url(f"{case_url}?done=attach_consent")
    assert await cadre.locator("[data-testid=case-state]").inner_text() == "已签承诺授权书"
    assert "承诺授权书扫描件" in await cadre.locator("[data-testid=attachments]").inner_text()  # the scan itself, kept

    # A review sent empty is answered beside each field, in Chinese; nothing reaches the service.
    review = cadre.locator("[data-testid=form-village_review]")
    await review.locator("input[name=meeting_date]").fill("")
    await review.locator("button").click()
    assert "请填写到会村民代表人数" in await cadre.locator("#step-village_review").inner_text()
    assert "请选择评议记录的扫描件" in await cadre.locator("#step-village_review").inner_text()
    await shot(cadre, "03-cadre-review-refused")

    survey = cadre.locator("[data-testid=form-household_survey]")
    if await survey.count():  # 弥勒市's procedure surveys the household before the village review
        await survey.locator("input[name=surveyed_on]").fill("2026-09-22")
        await survey.locator("textarea[name=surveyors]").fill("驻村工作队 王\n包村干部 李")
        await attach_scan(cadre, "survey_form_sha256", b"survey form")
        await attach_scan(cadre, "estimate_form_sha256", b"estimate form")
        await survey.locator("input[name=estimated_income]").fill("9000")
        await survey.locator("input[name=estimated_expense]").fill("41000")
        await survey.locator("button").click()
        await cadre.wait_for_url(f"{case_url}?done=household_survey")

    review = cadre.locator("[data-testid=form-village_review]")
    await review.locator("input[name=meeting_date]").fill("2026-09-25")
    await review.locator("textarea[name=participants]").fill("\n".join(PARTICIPANTS))
    await review.locator("input[name=attendees]").fill("21")
    await review.locator("input[name=votes_for]").fill("15")
    await review.locator("input[name=votes_against]").fill("6")
    await attach_scan(cadre, "minutes_sha256", b"signed minutes of the village review")
    await review.locator("button").click()
    await cadre.wait_for_url(f"{case_url}?done=village_review")

    notice = cadre.locator("[data-testid=form-publish_notice]")
    await notice.locator("input[name=published_on]").fill("2026-09-28")
    await notice.locator("button").click()
    await cadre.wait_for_url(f"{case_url}?done=publish_notice")
    assert await cadre.locator("[data-testid=case-state]").inner_text() == "公示中"
    assert await cadre.locator("[data-testid=form-township_verify]").count() == 0  # not the cadre's step
    await shot(cadre, "04-cadre-notice")

    # A township officer of another township reaches the same 404 as for a case that does not exist.
    other = await sign_in(browser, url, "township_officer", "532504103", "赵干部")
    outside = await other.goto(case_url)
    absent = await other.goto(f"{url}/cases/00000000-0000-4000-8000-000000000000")
    assert outside.status == absent.status == 404
    assert await other.content() != "" and "未找到该页面或记录" in await other.locator("main").inner_text()

    # The township officer verifies from the queue.
    township = await sign_in(browser, url, "township_officer", "532504102", "李干部")
    queue = township.locator("[data-testid=queue-steps]")
    assert int((await queue.locator(".count").inner_text()).rstrip("+")) >= 1
    await shot(township, "05-township-workbench")
    await township.goto(case_url)
    verify = township.locator("[data-testid=form-township_verify]")
    await verify.locator("select[name=object_type]").select_option("sudden_hardship")
    await verify.locator("select[name=decision]").select_option("yes")
    await verify.locator("input[name=verified_on]").fill("2026-10-12")
    await verify.locator("input[name=village_secretary]").fill("赵书记")
    await verify.locator("input[name=officer_name]").fill("李干部")
    await verify.locator("button").click()
    await township.wait_for_url(f"{case_url}?done=township_verify")
    assert await township.locator("[data-testid=case-state]").inner_text() == "已乡镇核查"
    await shot(township, "06-township-verified")

    # The county officer approves it in a batch from the queue.
    county = await sign_in(browser, url, "county_officer", "532504", "王科长")
    # Filtered by township in place (htmx): another township's queue has nothing of this case.
    case_id = case_url.rsplit("/", 1)[1]
    await county.select_option("[data-testid=filter-township]", "532504103")
    await expect(county.locator(f"input[name=case_ids][value='{case_id}']")).to_have_count(0)
    assert "township=532504103" in county.url
    await county.select_option("[data-testid=filter-township]", "532504102")
    await expect(county.locator(f"input[name=case_ids][value='{case_id}']")).to_have_count(1)
    queue = county.locator("[data-testid=queue-steps]")
    await queue.locator(f"input[name=case_ids][value='{case_id}']").check()
    await queue.locator("input[name=approval_no]").fill("弥防返贫〔2026〕12号")
    await queue.locator("input[name=approved_on]").fill("2026-10-15")
    await shot(county, "07-county-batch")
    await queue.locator("button").click()
    summary = await county.locator("[data-testid=batch-summary]").inner_text()
    assert "已批准 1 户" in summary, summary
    await shot(county, "08-county-approved")
    await county.goto(case_url)
    assert await county.locator("[data-testid=case-state]").inner_text() == "已纳入监测"

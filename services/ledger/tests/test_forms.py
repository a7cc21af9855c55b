"""The standard forms filled from the log: read back with openpyxl (XLSX) and pypdf (PDF text)."""

import datetime as dt
import io
import re
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook

from common import clock
from devkit.kit.assistance import approved_plan, draft_plan, monitored
from devkit.kit.households import VILLAGE_A, headers
from devkit.kit.identification import ok
from devkit.kit.ledger import eliminated_household
from devkit.kit.people import AUDITOR
from devkit.kit.screening import alerts_of, household, income, person
from devkit.testing.fixtures import auth, eventually, set_clock
from devkit.testing.pdfs import checked_pdf
from ledger.archive.registry import REGISTRY
from ledger.config import settings
from screening.config import settings as screening_settings

COUNTY = auth(settings, "county_officer", "532504", sub="county-forms")
MADE_AT = "made at"


def xlsx_text(content: bytes) -> str:
    sheet = load_workbook(io.BytesIO(content)).active
    return "\n".join(" | ".join(str(c) for c in row if c is not None) for row in sheet.iter_rows(values_only=True))


def print_ready(content: bytes, letter: bool = False) -> None:
    """A sheet to print and file: A4, fitted to the width, the title merged, every table cell boxed, the
    list's header repeated on each page, counts stored as numbers."""
    ws = load_workbook(io.BytesIO(content)).active
    assert int(ws.page_setup.paperSize) == 9 and ws.sheet_properties.pageSetUpPr.fitToPage  # 9: A4
    assert any(str(r).startswith("A1:") for r in ws.merged_cells.ranges)
    if not letter:  # a letter is paragraphs, unboxed
        assert ws.cell(2, 1).border.left is not None and ws.cell(2, 1).border.left.style == "thin"
    if ws.print_title_rows:
        header = int(str(ws.print_title_rows).split(":")[0].lstrip("$"))
        assert ws.cell(header, 1).font.bold
        if ws.cell(header, 1).value == "序号":  # the lists: numbers as numbers
            assert isinstance(ws.cell(header + 1, 1).value, int)
            if ws.cell(header, 5).value == "家庭人口数":
                assert isinstance(ws.cell(header + 1, 5).value, int)
    assert all(ws.column_dimensions[c].width <= 44 for c in "AB")


# The forms that open with a letter's paragraphs (unboxed) rather than a table.
LETTERS = {
    "commitment",
    "village-preselection-notice",
    "elimination-notice",
    "measures-notice",
    "county-approval",
    "elimination-approval",
    "application-unstable-lifted",
    "application-marginal",
}


async def sheet(client: httpx.AsyncClient, code: str, **params: Any) -> Any:
    r = await client.get(f"/forms/{code}", params={"purpose": "台账", "format": "xlsx", **params}, headers=COUNTY)
    assert r.status_code == 200, r.text
    return load_workbook(io.BytesIO(r.content)).active


def amounts(ws: Any, labels: tuple[str, ...]) -> dict[str, Any]:
    """The value beside each label (column A), which a spreadsheet must be able to sum: a number."""
    found = {str(row[0].value): row[1].value for row in ws.iter_rows(min_col=1, max_col=2) if row[0].value in labels}
    assert set(found) == set(labels), found
    assert all(isinstance(v, int | float) for v in found.values()), found
    return found


def wrapped_rows_are_tall(ws: Any) -> None:
    """A row whose value wraps onto several lines is given the height to print them (no overlapping lines)."""
    from openpyxl.utils import get_column_letter

    for row in ws.iter_rows(min_row=2):
        cell = row[1] if len(row) > 1 else row[0]
        width = ws.column_dimensions[get_column_letter(cell.column)].width or 8.43
        merged = next((m for m in ws.merged_cells.ranges if cell.coordinate in m), None)
        if merged is not None:
            width = sum(
                ws.column_dimensions[get_column_letter(c)].width or 8.43
                for c in range(merged.min_col, merged.max_col + 1)
            )
        if isinstance(cell.value, str) and len(cell.value) * 2 > width * 1.5:  # wraps onto 2 lines or more
            assert (ws.row_dimensions[cell.row].height or 0) >= 30, (cell.coordinate, cell.value)


async def form(client: httpx.AsyncClient, code: str, **params: Any) -> tuple[str, str]:
    texts = []
    for fmt in ("xlsx", "pdf"):
        r = await client.get(f"/forms/{code}", params={"purpose": "台账", "format": fmt, **params}, headers=COUNTY)
        assert r.status_code == 200, r.text
        if fmt == "xlsx":
            print_ready(r.content, letter=code in LETTERS)
        texts.append(xlsx_text(r.content) if fmt == "xlsx" else checked_pdf(r.content))
    return texts[0], texts[1]


async def test_identification_and_elimination_forms_hold_the_recorded_values(services: Any) -> None:
    ledger = await services.client("ledger")
    intake = await services.client("intake")
    await services.client("screening")
    assistance = await services.client("assistance")
    household = await eliminated_household(intake, assistance, ledger)
    approval_no = household["elimination_approval_no"]

    # 一户一档: the dossier an inspector reads, from the log alone, then the proofs. The kit waited for the
    # elimination's approval to reach the ledger; intake's case events travel on their own topic, and on a
    # loaded machine may arrive after it.
    async def drawn() -> str | None:
        r = await ledger.get(
            f"/households/{household['id']}/archive.pdf", params={"purpose": "年度检查"}, headers=COUNTY
        )
        text = checked_pdf(r.content)
        return text if "县级审定纳入监测" in text.replace("\n", "") else None

    dossier = await eventually(drawn, timeout=60)
    flat = dossier.replace("\n", "")
    for chapter in (
        "一、家庭成员",
        "二、返贫致贫风险",
        "三、认定程序",
        "四、帮扶计划与措施",
        "五、收入监测",
        "六、风险消除",
        "七、异议及处理",
        "八、个人信息查阅记录",
        "附录：核验说明",
    ):
        assert chapter in flat, chapter
    assert household["household_no"] in flat and "户主" in flat and "普通劳动力" in flat
    assert "当年医疗自付支出（元）：30000" in flat and "村级民主评议" in flat and "同意票：15" in flat
    assert "县级审定纳入监测" in flat and "弥防返贫〔2026〕12号" in flat
    assert "张卫东（村干部）" in flat and "cadre-zhang" not in flat  # officers by name and post, not by login
    assert "村民代表会议记录" in flat and "入户调查表" in flat and "文件摘要" not in flat  # evidence by what it is
    assert "健康帮扶" in flat and "已落实" in flat and "卫生健康部门" in flat  # the measure, its unit and status
    assert "不愁吃" in flat and "2026年11月1日" in flat and "700" in flat  # guarantees checked, monthly income
    assert "风险消除乡镇验收" in flat and approval_no in flat
    # Who signed the verification and the acceptance is read here, by name and post (the forms leave the pen's
    # boxes empty).
    # (a table cell wraps, and its lines interleave with its neighbours': each name and post is looked for alone)
    assert all(n in flat for n in ("李干部", "（镇街干部）", "赵书记", "（村支部书记）", "陈联系人", "（监测联系人）"))
    assert "county-forms" in flat and "年度检查" in flat  # this very read, recorded before the file was drawn
    assert "查看帮扶计划" in flat and "帮扶跟踪" in flat and "assistance plan" not in flat  # the reads, in Chinese
    assert "核验方法" in flat and "audit_path" not in flat  # the proofs' appendix, the proofs beside the PDF
    english = {"declared", "village_reviewed", "illness", "head", "cadre_screening", "sudden_hardship", "lifted"}
    body = flat.split("附录：核验说明")[0]
    assert not [w for w in english if w in body], [w for w in english if w in body]
    # The policy a step applied, as its reader says it (another test may have published 2026's by now).
    assert "policy:" not in body and re.search(r"依据政策：[^；]*\d{4}年监测政策第\d+版", body)
    xlsx, pdf = await form(ledger, "township-verification", household_id=household["id"])
    for text in (xlsx, pdf):
        assert "■突发严重困难户" in text and "□边缘易致贫户" in text and "■基层干部排查" in text
        assert "2026年10月12日" in text and "■因病" in text and "□因学" in text
        assert "村支部书记签字" in text and "赵书记" not in text and "李干部" not in text  # boxes for the pen
        assert "当年医疗自付支出（元）：30000" in text and "out_of_pocket" not in text
    assert "2026年10月12日（系统录入 " in xlsx  # stated in October, recorded today: both are shown
    xlsx, pdf = await form(ledger, "commitment", household_id=household["id"])
    # 附件1 in its own words: addressed to the village committee, the risks checked, signed and dated.
    letter = pdf.replace("\n", "")
    assert "新哨社区村委会：" in letter and "■因病" in letter and "□因学" in letter
    assert "现申请为防止返贫致贫监测对象" in letter and "2026年9月20日" in letter
    assert "查询比对家庭资产信息" in xlsx and "户主签字" in pdf and household["household_no"] in xlsx
    assert "asset_check" not in xlsx + pdf  # Chinese on the form, never the code
    xlsx, _ = await form(ledger, "information-collection", household_id=household["id"])
    assert "户主" in xlsx and "配偶" in xlsx and "2025年人均纯收入" in xlsx
    assert not {"head", "spouse", "female", "male", "lifted", "full"} & set(xlsx.replace("|", " ").split())
    xlsx, pdf = await form(ledger, "township-acceptance", household_id=household["id"])
    assert "监测联系人签字" in xlsx and xlsx.count("■是") == 4 and "□否" in xlsx  # 附件6's boxes, the recorded ticked
    assert not [n for n in ("陈联系人", "赵书记", "李干部", "已签") if n in xlsx + pdf]  # the boxes are for the pen
    assert "■健康帮扶（含医保个人缴费补贴、大病保险、医疗救助等）" in xlsx and "□产业帮扶" in xlsx and "■因病" in xlsx
    assert "per-capita" not in xlsx and "CNY" not in xlsx  # the income as an amount, in Chinese
    assert "监测对象风险消除乡镇验收表" in pdf and "2026年11月20日" in pdf
    xlsx, pdf = await form(ledger, "village-preselection-notice", key=f"{VILLAGE_A}@2026-09-28")
    assert household["household_no"] in xlsx and "5个工作日" in pdf
    # 附件2: the village's meeting, the households and people it reviewed, the committee's seal and the date.
    # (other tests' households of the village may share the day: the counts are the notice's, whatever they are)
    assert re.search(r"我村于2026年9月25日召开村民代表会议，评议\d+户\d+人存在返贫致贫风险", pdf.replace("\n", ""))
    assert "新哨社区村委会（盖章）" in pdf and "2026年9月28日" in pdf
    xlsx, pdf = await form(ledger, "elimination-approval", key=approval_no)
    assert household["household_no"] in xlsx and approval_no in pdf
    # Worded by 弥勒市's pack, a county-level city: the city approves (一(四): 乡镇审核、市级确定).
    assert "监测对象风险消除市级审定批复" in pdf and "市扶贫开发领导小组（盖章）" in pdf and "区级" not in pdf
    # 附件7 in its own words: addressed to the township, the households and people it approves, sealed, dated.
    letter = pdf.replace("\n", "")
    assert "新哨镇：" in letter and "经市扶贫开发领导小组联合有关单位组织核查并审定" in letter
    assert "同意你镇（街道）上报共1户2人达到防止返贫致贫监测对象风险消除的帮扶效果" in letter
    assert "户主身份证号" in xlsx and "2026年11月23日" in letter
    xlsx, _ = await form(ledger, "county-approval", key="弥防返贫〔2026〕12号")
    assert household["household_no"] in xlsx
    xlsx, pdf = await form(ledger, "measures-notice", key=household["measures_notice_key"])
    # The measures' notice (中农组发〔2021〕7号 三(二)): the village's meeting, each household's risks and measures.
    letter = pdf.replace("\n", "")
    assert re.search(r"我村于2026年10月16日召开村民代表会议，评议防止返贫致贫监测对象\d+户\d+人的帮扶措施", letter)
    assert "帮扶措施" in xlsx and "健康帮扶" in xlsx and household["household_no"] in xlsx and "5个工作日" in letter
    xlsx, pdf = await form(ledger, "elimination-notice", key=f"{VILLAGE_A}@2026-11-03")
    assert "监测对象风险消除村级初选名单公示" in pdf  # every one of the eight forms, its PDF checked
    # 附件5 lists each household's risk and its main measures; households and people are counted.
    assert "主要帮扶措施" in xlsx and "因病" in xlsx and "健康帮扶" in xlsx
    assert re.search(r"评议防止返贫致贫监测对象\d+户\d+人达到风险消除标准", xlsx)  # the day's households, counted

    # 弥勒市's own forms (附件1-6), listed for its region as the forms its pack files.
    catalogue = await ok(await ledger.get("/forms", params={"region": "532504"}, headers=COUNTY))
    filed = {f["code"]: f["filed_here"] for f in catalogue["items"]}
    assert filed["household-survey"] and filed["analysis-marginal"] and not filed["commitment"]
    xlsx, pdf = await form(ledger, "household-survey", household_id=household["id"])
    assert "驻村工作队 王" in pdf and "2026年9月22日" in pdf and "户主" in xlsx and "41000" in xlsx
    # Amounts are numbers (a SUM over them is right), and wrapped rows are tall enough to print.
    survey = await sheet(ledger, "household-survey", household_id=household["id"])
    estimated = amounts(survey, ("测算家庭收入（元）", "测算家庭支出（元）"))
    assert estimated == {"测算家庭收入（元）": 9000, "测算家庭支出（元）": 41000}
    wrapped_rows_are_tall(survey)
    estimate = await sheet(ledger, "income-expense-estimate", household_id=household["id"])
    parts = amounts(estimate, ("工资性收入", "生产经营性收入", "财产性收入", "转移性收入", "家庭总收入", "医疗支出"))
    assert sum(parts[k] for k in ("工资性收入", "生产经营性收入", "财产性收入", "转移性收入")) == parts["家庭总收入"]
    collected = await sheet(ledger, "information-collection", household_id=household["id"])
    amounts(collected, ("工资性收入（元）", "转移性收入（元）", "医疗支出（元）", "其他刚性支出（元）"))
    for code in ("township-verification", "township-acceptance"):
        wrapped_rows_are_tall(await sheet(ledger, code, household_id=household["id"]))
    accepted = await sheet(ledger, "township-acceptance", household_id=household["id"])
    amounts(accepted, ("年人均可支配收入（元）（以验收当月倒推连续12个月计）",))
    xlsx, pdf = await form(ledger, "income-expense-estimate", household_id=household["id"])
    assert "工资性收入" in xlsx and "家庭总收入" in xlsx and "测算结论" in pdf
    assert "筛查规则未就本户收入发出经核实的预警" in pdf  # no income rule judged it: the form computes no verdict
    xlsx, pdf = await form(ledger, "measures-table", household_id=household["id"])
    assert "健康帮扶" in pdf and "卫生健康部门" in xlsx and "已落实" in xlsx
    marginal, _ = await monitored(intake, ["schooling"], object_type="marginal")
    _, pdf = await form(ledger, "application-marginal", household_id=marginal["id"])
    assert "现申请纳入边缘户进行监测和帮扶" in pdf.replace("\n", "") and "因学" in pdf and "因因" not in pdf

    async def listed() -> str | None:
        r = await ledger.get(
            "/forms/analysis-marginal", params={"purpose": "台账", "key": VILLAGE_A, "format": "pdf"}, headers=COUNTY
        )
        text = checked_pdf(r.content).replace("\n", "") if r.status_code == 200 else ""
        return text if marginal["household_no"] in text else None

    analysis = await eventually(listed, timeout=60)
    assert analysis is not None and "未消除，继续监测帮扶" in analysis and "边缘户动态监测分析研判表" in analysis

    async def assistance_reads() -> set[str] | None:
        page = await ok(await ledger.get("/access-audit", params={"household_id": household["id"]}, headers=AUDITOR))
        whats = {i["what"] for i in page["items"] if i["service"] == "assistance"}
        return whats if {"assistance plan", "elimination evaluation"} <= whats else None

    assert await eventually(assistance_reads)
    catalogue = await ok(await ledger.get("/forms", headers=COUNTY))
    assert len(catalogue["items"]) == len(REGISTRY) == 16  # 8 standard, the measures notice, 7 of 弥勒市
    outside = await ledger.get(
        "/forms/village-preselection-notice",
        params={"purpose": "台账", "key": f"{VILLAGE_A}@2026-09-28"},
        headers=auth(settings, "county_officer", "441302"),
    )
    assert outside.status_code == 404


async def test_a_household_sees_its_own_plan_case_and_who_read_its_data(services: Any) -> None:
    """个人信息保护法 第四十四条、第四十五条: the household reads its plan and measures, its case, and the record of
    every read of its personal data; another household's are as if absent."""
    ledger = await services.client("ledger")
    intake = await services.client("intake")
    assistance = await services.client("assistance")
    household, case = await monitored(intake, ["illness"])
    other, _ = await monitored(intake, ["illness"])
    me = headers("household", household["region_code"], household_id=household["id"])
    plan = await approved_plan(assistance, household)
    mine = await ok(await assistance.get(f"/plans/{plan['id']}", headers=me))
    assert mine["household_id"] == household["id"] and mine["measures"][0]["status_zh"] == "已计划"
    listed = await ok(await assistance.get("/plans", headers=me))
    assert [p["household_id"] for p in listed["items"]] == [household["id"]]
    theirs = await draft_plan(assistance, other)
    assert (await assistance.get(f"/plans/{theirs['id']}", headers=me)).status_code == 404
    assert (await ok(await intake.get(f"/cases/{case['id']}", headers=me)))["state_zh"] == "已纳入监测"

    async def reads() -> list[dict[str, Any]] | None:
        page = await ok(await ledger.get(f"/households/{household['id']}/access-log", headers=me))
        return page["items"] if any(i["what"] == "assistance plan" for i in page["items"]) else None

    log = await eventually(reads, timeout=60)
    assert all(i["household_id"] == household["id"] for i in log)
    assert {"township-li", "cadre-zhang"} <= {i["actor"] for i in log}
    assert (await ledger.get(f"/households/{other['id']}/access-log", headers=me)).status_code == 404


# The registry's forms, each drawn (a form added to the registry is drawn here without a line of test).
# What each keyed form is drawn for, in the household the kit takes the whole way (its keys by name).
KEYS = {
    "village-preselection-notice": "notice_key",
    "county-approval": "identification_approval_no",
    "measures-notice": "measures_notice_key",
    "elimination-notice": "elimination_notice_key",
    "elimination-approval": "elimination_approval_no",
}


@pytest.fixture(scope="module")
async def drawn(services: Any) -> dict[str, dict[str, str]]:
    """Each form's query: a household taken the whole way, and monitored households for the analysis lists."""
    intake, assistance, ledger = [await services.client(s) for s in ("intake", "assistance", "ledger")]
    await services.client("screening")
    household = await eliminated_household(intake, assistance, ledger)
    await monitored(intake, ["schooling"], object_type="marginal")
    await monitored(intake, ["illness"], object_type="unstable_lifted")
    keys = {code: household[name] for code, name in KEYS.items()} | {c: VILLAGE_A for c in REGISTRY if "analysis" in c}
    return {
        code: {"key": keys[code]} if spec.keyed_by == "key" else {"household_id": household["id"]}
        for code, spec in REGISTRY.items()
    } | {MADE_AT: {"instant": clock.now().isoformat()}}


def test_every_keyed_form_has_a_key_here() -> None:
    keyed = {code for code, spec in REGISTRY.items() if spec.keyed_by == "key"}
    assert keyed == set(KEYS) | {c for c in REGISTRY if "analysis" in c}
    assert all(spec.reads for spec in REGISTRY.values())  # every form says what it is drawn from


async def test_the_catalogue_is_the_registry(services: Any) -> None:
    ledger = await services.client("ledger")
    page = await ok(await ledger.get("/forms", headers=COUNTY))
    assert [(f["code"], f["title"], f["keyed_by"]) for f in page["items"]] == [
        (s.code, s.title, s.keyed_by) for s in REGISTRY.values()
    ]
    assert all(f["reads"] == [c.type for c in REGISTRY[f["code"]].reads] for f in page["items"])


@pytest.mark.parametrize("code", list(REGISTRY))
async def test_every_form_is_drawn_from_the_log(services: Any, drawn: dict[str, dict[str, str]], code: str) -> None:
    ledger = await services.client("ledger")
    # Each test starts at the scenario's instant again (the root conftest), before the module's households were
    # made; the forms are drawn as of now: each test runs from when they were made, not before their events.
    set_clock(dt.datetime.fromisoformat(drawn[MADE_AT]["instant"]))
    for fmt in ("xlsx", "pdf"):

        async def answer(fmt: str = fmt) -> Any:  # a list waits for its households' events to reach the ledger
            r = await ledger.get(
                f"/forms/{code}", params={"purpose": "台账", "format": fmt, **drawn[code]}, headers=COUNTY
            )
            return r if r.status_code != 404 else None

        r = await eventually(answer, timeout=60)
        assert r is not None and r.status_code == 200, (code, fmt, r and r.text)
        if fmt == "xlsx":
            print_ready(r.content, letter=code in LETTERS)
        else:
            text = checked_pdf(r.content).replace("\n", "")
            # an approval is titled by its jurisdiction's level (区级, 市级): the rest of its title is there
            assert all(part in text for part in REGISTRY[code].title.split("区级")), code


async def test_the_estimate_concludes_with_the_alerts_own_figure_line_and_year(services: Any) -> None:
    """附件4's conclusion is the income rule's: the figure it computed, the line it applied and the year it
    judged, exactly as the confirmed alert says them, never a figure of the form's own against today's line."""
    screening, ledger = await services.client("screening"), await services.client("ledger")
    h = await household(services, VILLAGE_A, [person(), person("spouse")])
    await income(services, h, 2025, "4000", medical_expense="3000")  # 2,000 per capita: below every line
    alert = (await alerts_of(services, h))["income_below_line"]
    cadre = auth(screening_settings, "village_cadre", VILLAGE_A[:9])
    township = auth(screening_settings, "township_officer", VILLAGE_A[:9])
    await ok(await screening.post(f"/alerts/{alert['id']}/verification", json={"note": "入户"}, headers=cadre))
    await ok(await screening.post(f"/alerts/{alert['id']}/confirmation", json={"note": "属实"}, headers=township))
    rule_said = r"(\d{4})年家庭人均纯收入([\d,.]+)元.*低于防止返贫监测范围([\d,.]+)元.*"
    said = re.fullmatch(rule_said, alert["explanation_zh"])
    assert said is not None, alert["explanation_zh"]
    year, figure, line = said.groups()

    async def drawn() -> str | None:
        r = await ledger.get(
            "/forms/income-expense-estimate",
            params={"purpose": "台账", "household_id": h["id"], "format": "pdf"},
            headers=COUNTY,
        )
        text = checked_pdf(r.content).replace("\n", "") if r.status_code == 200 else ""
        return text if "部门筛查预警" in text else None

    text = await eventually(drawn, timeout=60)
    assert text is not None and alert["explanation_zh"].replace("\n", "") in text
    assert f"{year}年家庭人均纯收入{figure}元" in text and f"监测范围{line}元" in text
    assert f"（{year}年）" in text  # the table is the year the rule judged
    assert "扣除刚性支出后人均" not in text  # no second formula: (total - rigid) / people is gone

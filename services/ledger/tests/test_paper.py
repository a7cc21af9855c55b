"""Paper as a township files it and a village posts it (ADR 0026), measured on the PDF: read back with
pdfplumber (each character with its place on the page). No database, no broker: the fast tier."""

import io
import re
from pathlib import Path
from typing import Any

import pdfplumber
import pytest

from common.errors import ServiceUnavailable
from contracts.policy import PackValues, Paperwork
from devkit.testing.pdfs import checked_pdf
from ledger.archive import render
from ledger.archive.forms import Form, Signature
from ledger.archive.registry import REGISTRY
from ledger.config import settings

MM = 72 / 25.4  # points per millimetre
CLOSING = "，。、；：！？）」』》〉】"
# Tokens a reader quotes whole: an amount, a date (both ways), an ID number, a code.
TOKENS = ("12800.50元", "2026-10-20", "2026年10月20日", "53250419491231002X", "532504102001", "弥防返贫〔2026〕12号")
SENTENCE = (
    "经村民代表会议评议，该户因病因学支出较大（医疗自付12800.50元），于2026-10-20核实，"
    "户主身份证号53250419491231002X，村代码532504102001。定于2026年10月20日公示，依据弥防返贫〔2026〕12号。"
)


def notice() -> Form:
    return Form(
        "village-preselection-notice",
        "云南省红河哈尼族彝族自治州弥勒市新哨镇新哨社区 监测对象认定村级初选名单公示",
        letter=[SENTENCE * 3],
        table_header=["序号", "户编号", "户主姓名", "家庭人口数", "返贫致贫风险"],
        table=[[i, f"53250410200100{i:02d}", "________", 3, SENTENCE] for i in range(1, 4)],
        footer=["监督电话：________"],
        sign=["新哨社区村委会（盖章）", "2026年9月28日"],
        region="532504102001",
    )


def record() -> Form:
    return Form(
        "township-verification",
        "监测对象认定乡镇核查表",
        [
            ("所在地", "云南省红河哈尼族彝族自治州弥勒市新哨镇新哨社区"),
            ("户编号", "5325041020010001"),
            ("核查情况", SENTENCE * 2),
            ("村支部书记签字", Signature("村支部书记签字")),
            ("镇街干部签字", Signature("镇街干部签字")),
            ("核查时间", "2026年10月12日"),
        ],
        ["返贫致贫风险", "登记内容"],
        [["因病", SENTENCE], ["因学", SENTENCE]],
        signatures=[Signature("调查人签字"), Signature("户主签字"), Signature("村委会（盖章）", seal=True)],
    )


def chars(content: bytes) -> list[list[dict[str, Any]]]:
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        return [[c for c in page.chars if c["text"].strip()] for page in pdf.pages]


def tables(content: bytes) -> list[list[tuple[float, float, float, float]]]:
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        return [[t.bbox for t in page.find_tables()] for page in pdf.pages]


def word(page: list[dict[str, Any]], text: str) -> dict[str, Any]:
    """The first character of `text` on the page, where the page sets it as one run."""
    joined = "".join(c["text"] for c in page)
    at = joined.index(text)
    return page[at]


@pytest.mark.parametrize("make", [notice, record])
def test_no_line_opens_with_a_closing_mark_and_no_token_is_broken(make: Any) -> None:
    content = render.to_pdf(make())
    checked_pdf(content)
    openers = []
    for page in chars(content):
        for i, c in enumerate(page):
            if c["text"] in CLOSING:
                # a mark that opens a line has nothing just left of it on its baseline (the cell's edge is)
                left = [d for d in page[max(0, i - 3) : i] if abs(d["top"] - c["top"]) < 1 and c["x0"] - d["x1"] < 2]
                if not left:
                    openers.append((c["text"], round(c["x0"]), round(c["top"])))
        joined = "".join(c["text"] for c in page)
        for token in TOKENS:
            for m in re.finditer(re.escape(token), joined):
                assert len({round(c["top"]) for c in page[m.start() : m.end()]}) == 1, f"{token} broken"
    assert openers == []
    # the tokens were there to be broken: each is set, often near a line's end
    assert all(t in "".join(c["text"] for page in chars(content) for c in page) for t in TOKENS)


def test_the_tables_share_the_page_grid_and_the_signatures_stand_clear_of_them() -> None:
    content = render.to_pdf(record())
    found = [bbox for page in tables(content) for bbox in page]
    assert len(found) >= 2
    assert len({round(b[0]) for b in found}) == 1 and len({round(b[2]) for b in found}) == 1  # same left and right
    pages = chars(content)
    last = [page for page in pages if any(c["text"] == "调" for c in page)][-1]
    signer = word(last, "调查人签字")
    above = [b[3] for b in tables(content)[pages.index(last)] if b[3] <= signer["top"]]
    assert not above or signer["top"] - max(above) >= 8 * MM  # no signature line touches a table


def test_signature_and_seal_areas_are_empty_and_large_enough_to_sign() -> None:
    content = render.to_pdf(record())
    text = checked_pdf(content)
    assert "村支部书记签字" in text and "调查人签字" in text and "村委会（盖章）" in text
    page = next(p for p in chars(content) if "村支部书记签字" in "".join(c["text"] for c in p))
    secretary, officer = word(page, "村支部书记签字"), word(page, "镇街干部签字")
    assert officer["top"] - secretary["top"] >= 15 * MM  # the row is tall enough for a pen
    between = [c for c in page if secretary["top"] + 1 < c["top"] < officer["top"] - 1]
    assert between == []  # and nothing is typed in it
    foot = next(p for p in chars(content) if "调查人签字" in "".join(c["text"] for c in p))
    signer = word(foot, "调查人签字")
    under = sorted(c["top"] for c in foot if c["top"] > signer["top"] + 1 and abs(c["x0"] - signer["x0"]) < 150)
    assert under and under[0] - signer["top"] >= 18 * MM  # room to sign before the date line


def test_every_font_is_debians_noto_cjk_sc_or_dejavu_embedded() -> None:
    content = render.to_pdf(record())
    checked_pdf(content)  # every font embedded, every page drawn
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        fonts = {c["fontname"].split("+")[-1] for page in pdf.pages for c in page.chars}
    assert fonts and all(f.startswith(("Noto-Serif-CJK-SC", "Noto-Sans-CJK-SC", "DejaVu-Sans")) for f in fonts)


def test_every_form_has_a_shipped_template() -> None:
    for code in REGISTRY:
        assert (render.SHIPPED / render.shipped(code)).is_file(), code


def county(monkeypatch: pytest.MonkeyPatch, template: str) -> PackValues:
    monkeypatch.setattr(settings, "form_templates_dir", str(Path(__file__).parent / "paper"))
    return PackValues(paperwork=Paperwork(templates={"village-preselection-notice": template}))


def test_a_county_pack_naming_its_own_template_changes_its_paper_without_code(monkeypatch: pytest.MonkeyPatch) -> None:
    shipped = checked_pdf(render.to_pdf(notice(), PackValues())).replace("\n", "")
    own = checked_pdf(render.to_pdf(notice(), county(monkeypatch, "county-notice.html"))).replace("\n", "")
    assert "张贴于村务公开栏" in own and "本公示张贴期间，群众可向乡镇纪委反映。" in own
    assert "张贴于村务公开栏" not in shipped and "乡镇纪委" not in shipped
    assert "新哨社区村委会（盖章）" in own and "53250410200100" in own  # the form's content, as the fillers gave it
    # other forms of the same county keep the shipped paper
    other = record()
    assert render.template_of(other, county(monkeypatch, "county-notice.html")) == "record.html"


def test_a_pack_naming_a_template_the_ledger_lacks_is_refused_with_the_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ServiceUnavailable, match=r"missing\.html"):
        render.to_pdf(notice(), county(monkeypatch, "missing.html"))


def test_a_county_template_reaches_no_further_than_the_form(monkeypatch: pytest.MonkeyPatch) -> None:
    from jinja2.exceptions import SecurityError

    with pytest.raises(SecurityError):
        render.to_pdf(notice(), county(monkeypatch, "escape.html"))


def test_a_character_the_fonts_lack_prints_as_its_code_point() -> None:
    form = Form("commitment", "农户承诺授权书", letter=["户主 王\U0002a6a5 “两不愁三保障”〔2026〕①"])
    text = checked_pdf(render.to_pdf(form))
    assert "[U+2A6A5]" in text and "两不愁三保障" in text


def test_the_sheet_leaves_the_same_places_to_sign() -> None:
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(render.to_xlsx(record()))).active
    assert ws is not None
    cells = {str(c.value): c for row in ws.iter_rows() for c in row if c.value is not None}
    assert "调查人签字：" in cells and "村委会（盖章）：" in cells
    secretary = cells["村支部书记签字"]
    assert ws.cell(secretary.row, 2).value is None  # nothing typed where the secretary signs
    seal = cells["村委会（盖章）："]
    assert ws.row_dimensions[secretary.row].height >= 40 and ws.row_dimensions[seal.row].height >= 80

"""Every PDF the ledger draws carries its fonts (no database, no broker: the fast tier)."""

import io

import pytest
from reportlab.pdfgen.canvas import Canvas

from common import pdf
from devkit.testing.pdfs import checked_pdf, unembedded_fonts


def test_a_pdf_drawn_by_the_ledger_embeds_every_font_and_renders() -> None:
    content = pdf.render(
        "监测对象认定乡镇核查表",
        [
            pdf.paragraph("户主 龑 弥勒市新哨镇"),
            pdf.paragraph("0f3a9c", "mono"),
            pdf.table([["项目", "内容"], ["家庭人口", "2"]]),
        ],
    )
    assert unembedded_fonts(content) == []
    text = checked_pdf(content)
    assert "监测对象认定乡镇核查表" in text and "弥勒市新哨镇" in text


def test_the_check_catches_a_font_left_out() -> None:
    out = io.BytesIO()
    canvas = Canvas(out)
    canvas.drawString(72, 720, "Helvetica is named, never embedded")
    canvas.save()
    assert unembedded_fonts(out.getvalue()) == ["/Helvetica"]
    with pytest.raises(AssertionError, match="not embedded"):
        checked_pdf(out.getvalue())


def test_a_character_the_font_lacks_is_printed_as_its_code_point_never_as_a_blank() -> None:
    """Rare name characters (生僻字) of CJK Extension B are not in the font: the reader sees which one."""
    text = checked_pdf(pdf.render("档案", [pdf.paragraph("户主 王𠀾 “两不愁三保障”〔2026〕①")]))
    assert "王[U+2003E]" in text and "“两不愁三保障”〔2026〕①" in text

"""PDF with Chinese text drawn by reportlab (the dossier, the monthly report; the forms are templates, ADR
0026), its font embedded: a subset of WenQuanYi Micro Hei (文泉驿微米黑, Apache-2.0 or GPL-3+ with the font
exception) from Debian's package fonts-wqy-microhei, whose copyright file traces it, goes into every file, so
a viewer without Chinese fonts shows the text (reportlab's built-in CID fonts are never embedded: poppler
shows boxes and PDFium nothing). reportlab subsets only TrueType outlines, which Noto CJK's files lack; this
font has them. It covers the CJK Unified Ideographs of the Basic Multilingual Plane, not the rare characters
of Extension B and beyond."""

import io
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from common.paper import PaperError

FONT, MONO = "WenQuanYiMicroHei", "WenQuanYiMicroHeiMono"


COLLECTION = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")


@cache
def _font() -> str:
    """Registered once per process: the collection's proportional face and its monospaced one (hashes)."""
    if not COLLECTION.exists():
        raise PaperError(
            f"{COLLECTION} is missing: install Debian's package fonts-wqy-microhei",
            zh="缺少字体文件，请安装Debian软件包fonts-wqy-microhei",
        )
    pdfmetrics.registerFont(TTFont(FONT, str(COLLECTION), subfontIndex=0))
    pdfmetrics.registerFont(TTFont(MONO, str(COLLECTION), subfontIndex=1))
    return FONT


def styles() -> dict[str, ParagraphStyle]:
    font = _font()
    return {
        "title": ParagraphStyle("title", fontName=font, fontSize=15, leading=20, alignment=1, spaceAfter=6),
        "h": ParagraphStyle("h", fontName=font, fontSize=11, leading=15, spaceBefore=6, spaceAfter=3),
        "p": ParagraphStyle("p", fontName=font, fontSize=9, leading=12),
        "sub": ParagraphStyle("sub", fontName=font, fontSize=9.5, leading=13, spaceBefore=5, spaceAfter=2),
        # a letter's paragraph (申请书, 授权书): larger, indented as written, spaced
        "letter": ParagraphStyle("letter", fontName=font, fontSize=12, leading=22, firstLineIndent=24, spaceAfter=8),
        "letter_to": ParagraphStyle("letter_to", fontName=font, fontSize=12, leading=22, spaceAfter=8),
        "letter_sign": ParagraphStyle(
            "letter_sign", fontName=font, fontSize=12, leading=22, alignment=2, spaceBefore=10
        ),
        "mono": ParagraphStyle("mono", fontName=MONO, fontSize=6.5, leading=8),
    }


def table(rows: Sequence[Sequence[Any]], widths: Sequence[float] | None = None) -> Table:
    s = styles()
    cells = [[c if isinstance(c, Flowable) else Paragraph(_escape(str(c)), s["p"]) for c in row] for row in rows]
    t = Table(cells, colWidths=[w * mm for w in widths] if widths else None, repeatRows=1)
    t.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), s["p"].fontName),  # the cells' own, else Helvetica unembedded
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return t


def _escape(text: str) -> str:
    """Markup-safe text; a character the font lacks (a rare name character of CJK Extension A or B) is
    printed as its code point, [U+20BB7], never as a blank a reader would take for nothing."""
    covered = _covered()
    out = []
    for ch in text:
        if ch in "&<>":
            out.append({"&": "&amp;", "<": "&lt;", ">": "&gt;"}[ch])
        elif ord(ch) < 0x20 or ord(ch) in covered:
            out.append(ch)
        else:
            out.append(f"[U+{ord(ch):04X}]")
    return "".join(out)


@cache
def _covered() -> frozenset[int]:
    _font()
    return frozenset(pdfmetrics.getFont(FONT).face.charToGlyph)


def paragraph(text: str, style: str = "p") -> Paragraph:
    return Paragraph(_escape(text), styles()[style])


def render(title: str, flowables: list[Flowable]) -> bytes:
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        title=title,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        initialFontName=_font(),  # else every page names Helvetica, which no PDF embeds
    )
    doc.build([paragraph(title, "title"), Spacer(1, 4 * mm), *flowables])
    return out.getvalue()

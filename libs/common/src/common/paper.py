"""Paper from templates (ADR 0026): a form's layout and wording are an HTML/CSS template that Jinja2 fills
and WeasyPrint sets, with Pango breaking Chinese lines as Chinese is set (no line opens with ，。）、: Unicode's
line-breaking classes, which Pango follows) and the Noto CJK SC faces of Debian's `fonts-noto-cjk` (SIL OFL
1.1) embedded as subsets.

Templates are written by a county's office, not by developers: they run sandboxed (no attribute of Python
objects beyond the data given, no file or network access from the page), every value is escaped, and a page
fetches nothing (no image, stylesheet or font from a URL: the fonts are the system's)."""

import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined, select_autoescape
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from common.errors import ServiceUnavailable

# The faces the templates name: Debian's fonts-noto-cjk (Simplified Chinese, serif for text, sans for titles and
# labels) and, for the symbols the forms tick (☐ ☑) that Noto CJK lacks, fonts-dejavu-core's DejaVu Sans.
FONTS = ("Noto Serif CJK SC", "Noto Sans CJK SC", "DejaVu Sans")
# The files whose character maps say what those faces cover (the collection's third face is the SC one).
FONT_FILES = (
    (Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"), 2, "fonts-noto-cjk"),
    (Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"), None, "fonts-dejavu-core"),
)

# A token a reader quotes as one (a date, an amount with its unit, an ID number, a code, a percentage) is set
# on one line: a line break inside `2026-10-20`, `800.00元` or `532504102001` misreads it.
TOKEN = re.compile(
    r"[（(]?[\u4e00-\u9fff]{0,8}〔\d{4}〕[0-9A-Za-z-]+号[）)]?"  # a document's number: 弥防返贫消〔2026〕12号
    r"|\d{4}年\d{1,2}月(?:\d{1,2}日)?"  # 2026年10月20日
    r"|[A-Za-z0-9][A-Za-z0-9.,:/%＋+×·-]*(?:万元|元|人|户|岁|亩|%)?"  # 800.00元, 532504102001, 60%
)
# A blank to be written in (`________`, stated.BLANK) is drawn as a line to write on.
BLANK = re.compile(r"_{4,}")


class PaperError(ServiceUnavailable):
    """The machine cannot set paper (the fonts are missing): a deployment fault, never the caller's."""

    title_zh = "服务暂不可用：缺少排版所需字体"


@cache
def _covered() -> frozenset[int]:
    from fontTools.ttLib import TTCollection, TTFont

    covered: set[int] = set()
    for path, face, package in FONT_FILES:
        if not path.exists():
            raise PaperError(
                f"{path} is missing: install Debian's package {package}",
                zh=f"缺少字体文件，请安装Debian软件包{package}",
            )
        font = TTFont(str(path), lazy=True) if face is None else TTCollection(str(path), lazy=True).fonts[face]
        covered |= set(font.getBestCmap())
    return frozenset(covered)


def _glyphs(text: str) -> str:
    """A character the font lacks (a rare name character of CJK Extension B and beyond) is printed as its code
    point, [U+2A6A5], never as a box or a blank a reader would take for nothing."""
    covered = _covered()
    return "".join(ch if ord(ch) < 0x80 or ord(ch) in covered or ch in "\n\t" else f"[U+{ord(ch):04X}]" for ch in text)


def typeset(value: Any) -> Markup:
    """A value as a page shows it: escaped, its tokens kept whole, a missing value as an empty string."""
    if value is None:
        return Markup("")
    out = []
    for i, part in enumerate(BLANK.split(_glyphs(str(value)))):
        if i:
            out.append(Markup('<span class="blank"></span>'))
        at = 0
        for m in TOKEN.finditer(part):
            out.append(escape(part[at : m.start()]))
            out.append(Markup('<span class="nb">%s</span>') % m.group())
            at = m.end()
        out.append(escape(part[at:]))
    return Markup("").join(out)


@cache
def environment(dirs: tuple[str, ...]) -> SandboxedEnvironment:
    """Templates found in `dirs`, the first first (a county's directory before the shipped one); a template
    edited on disk is read again at its next use."""
    env = SandboxedEnvironment(
        loader=ChoiceLoader([FileSystemLoader(d) for d in dirs if d]),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,  # a misspelt name in a county's template fails, never prints a blank
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["t"] = typeset
    return env


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    raise ValueError(f"a page fetches nothing: {url[:80]}")


def render(dirs: Sequence[str], template: str, **context: Any) -> bytes:
    """The template filled with `context`, set as a PDF."""
    from weasyprint import HTML  # Pango is loaded at the first page, not at every service's start

    _covered()  # fail with the reason when the fonts are missing, not with a PDF of boxes
    html = environment(tuple(dirs)).get_template(template).render(fonts=FONTS, **context)
    pdf = HTML(string=html, url_fetcher=_no_fetch).write_pdf()
    assert pdf is not None
    return bytes(pdf)

"""What a PDF the system produces must be for an officer to open it anywhere: every font it uses embedded
(a viewer without Chinese fonts shows boxes or nothing otherwise), and every page drawn by PDFium, the
engine of Chrome's viewer and many Android ones, with ink on it."""

import hashlib
import io
import os
from pathlib import Path
from typing import Any

import pypdfium2
from pypdf import PdfReader

EMBEDDED = ("/FontFile", "/FontFile2", "/FontFile3")


def _descriptor(font: Any) -> Any:
    if font.get("/Subtype") == "/Type0":
        font = font["/DescendantFonts"].get_object()[0].get_object()
    return font.get("/FontDescriptor")


def unembedded_fonts(content: bytes) -> list[str]:
    """The fonts of any page that carry no font file."""
    missing = []
    for page in PdfReader(io.BytesIO(content)).pages:
        resources: Any = page.get("/Resources")
        fonts: Any = resources.get_object().get("/Font") if resources is not None else None
        for ref in fonts.get_object().values() if fonts is not None else []:
            font = ref.get_object()
            descriptor = _descriptor(font)
            if descriptor is None or not any(k in descriptor.get_object() for k in EMBEDDED):
                missing.append(str(font.get("/BaseFont")))
    return sorted(set(missing))


def checked_pdf(content: bytes) -> str:
    """The PDF's text, once every font is found embedded and every page renders with ink on it. With
    SAFETYNET_PDF_DIR set, each PDF checked is kept there too, for a person to look at."""
    assert content.startswith(b"%PDF-"), content[:40]
    if keep := os.environ.get("SAFETYNET_PDF_DIR"):
        Path(keep).mkdir(parents=True, exist_ok=True)
        (Path(keep) / f"{hashlib.sha256(content).hexdigest()[:12]}.pdf").write_bytes(content)
    missing = unembedded_fonts(content)
    assert not missing, f"fonts not embedded: {missing}"
    document = pypdfium2.PdfDocument(content)
    try:
        for number, page in enumerate(document, start=1):
            darkest, _ = page.render(scale=0.5, grayscale=True).to_pil().getextrema()
            assert darkest < 128, f"page {number} renders blank"
    finally:
        document.close()
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)

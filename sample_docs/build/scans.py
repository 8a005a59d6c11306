"""Scanned and photographed samples, made from sample PDFs (``make scans``; deterministic).

What a stamped, printed and scanned submission looks like: each page rendered with pypdfium2,
turned by a small skew, speckled with noise, stamped with a red seal over text (a circle and
characters cut from the page itself, so no CJK font is needed), sometimes turned by 90° or 180°,
and saved as JPEG at quality 60–80 inside an image-only PDF (no text layer; Pillow writes it,
pikepdf saves it reproducibly). Two forms are "photographed" instead: one page, uneven light,
saved as .jpg and .png.

Each sample is named ``<source stem>.<variant>.<ext>``: its golden file is the source form's
(``tests/golden.py``, ``golden_path``).

| sample | made from | what it exercises |
|---|---|---|
| seed_datong_2021.scan.pdf | seed_datong_2021.pdf (3 pages) | skew +1.5°/−1°/+2°, seal over the header, a form joined across scanned pages |
| long_form_three_pages.scan.pdf | long_form_three_pages.pdf (3 pages) | page 2 turned 90°, skew, a table running over three scanned pages |
| hand_drawn_grid_zhejiang.scan.pdf | hand_drawn_grid_zhejiang.pdf | skew −2.5°, a seal over the 总分 row, an irregular grid |
| target_over_three_cells_guizhou.scan.pdf | target_over_three_cells_guizhou.pdf (landscape) | the page upside down (180°), skew |
| funds_scored_per_line_yunnan.photo.jpg | funds_scored_per_line_yunnan.pdf | a photo: uneven light, skew −1.2°, JPEG 70 |
| goal_labels_on_top_hubei.photo.png | goal_labels_on_top_hubei.pdf | a photo saved as PNG: uneven light, skew +0.8°, a seal |
"""

from __future__ import annotations

import io
import math
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pdfplumber
import pikepdf
import pypdfium2 as pdfium
from PIL import Image, ImageDraw, ImageFilter

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from pdfkit import save_reproducible  # noqa: E402

SAMPLES = HERE.parent
#: Resolution the pages are "scanned" at (dots per inch).
SCAN_DPI = 150
#: The red of a seal's ink (RGB).
SEAL_RED = (214, 38, 42)


@dataclass(frozen=True)
class PageKnobs:
    skew: float = 0.0  # degrees, counter-clockwise
    turn: int = 0  # 0, 90, 180, 270: the page scanned turned by this much
    seal: str | None = None  # the text whose glyphs ring the seal, centred on where it is printed
    seal_over: str | None = None  # the text the seal is stamped over (default: ``seal``)


@dataclass(frozen=True)
class Scan:
    stem: str
    variant: str  # "scan" (image-only PDF) or "photo" (one image file)
    ext: str
    pages: tuple[PageKnobs, ...]
    quality: int = 70
    light: bool = False  # uneven lighting (a photo)
    seed: int = 0
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"{self.stem}.{self.variant}.{self.ext}"


SCANS = (
    Scan(
        "seed_datong_2021",
        "scan",
        "pdf",
        (PageKnobs(1.5, seal="大同市建设工程事务中心"), PageKnobs(-1.0), PageKnobs(2.0)),
        quality=65,
        seed=1,
    ),
    Scan(
        "long_form_three_pages",
        "scan",
        "pdf",
        (PageKnobs(-1.2), PageKnobs(1.0, turn=90), PageKnobs(0.6)),
        quality=70,
        seed=2,
    ),
    Scan(
        "hand_drawn_grid_zhejiang",
        "scan",
        "pdf",
        (PageKnobs(-2.5, seal="总分"),),
        quality=75,
        seed=3,
    ),
    Scan(
        "target_over_three_cells_guizhou",
        "scan",
        "pdf",
        (PageKnobs(1.2, turn=180),),
        quality=60,
        seed=4,
    ),
    Scan(
        "funds_scored_per_line_yunnan",
        "photo",
        "jpg",
        (PageKnobs(-1.2),),
        quality=70,
        light=True,
        seed=5,
    ),
    Scan(
        "goal_labels_on_top_hubei",
        "photo",
        "png",
        (PageKnobs(0.8, seal="项目名称"),),
        light=True,
        seed=6,
    ),
)


def _glyphs(
    pdf_path: Path, page_no: int, text: str, image: Image.Image, scale: float
) -> tuple[list[Image.Image], tuple[float, float]]:
    """The glyph images of the first run of ``text`` on the page, and its centre (pixels)."""
    with pdfplumber.open(pdf_path) as pdf:
        chars = pdf.pages[page_no].chars
    joined = "".join(c["text"] for c in chars)
    at = joined.find(text)
    if at < 0:
        raise SystemExit(f"{pdf_path.name} page {page_no + 1}: no {text!r} to put a seal on")
    run = chars[at : at + len(text)]
    crops = [
        image.crop(
            (
                int(c["x0"] * scale),
                int(c["top"] * scale),
                math.ceil(c["x1"] * scale),
                math.ceil(c["bottom"] * scale),
            )
        )
        for c in run
    ]
    cx = (min(c["x0"] for c in run) + max(c["x1"] for c in run)) / 2 * scale
    cy = (min(c["top"] for c in run) + max(c["bottom"] for c in run)) / 2 * scale
    return crops, (cx, cy)


def _stamp(
    page: Image.Image, glyphs: list[Image.Image], centre: tuple[float, float], rng: np.random.Generator
) -> None:
    """A red seal: a ring, a star, and the glyphs set along the upper arc, in translucent ink."""
    radius = int(0.55 * SCAN_DPI)  # a 2.8 cm seal
    ink = Image.new("L", page.size, 0)
    draw = ImageDraw.Draw(ink)
    cx, cy = centre
    width = max(3, SCAN_DPI // 40)
    draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), outline=255, width=width)
    star = [
        (
            cx + (radius * (0.28 if i % 2 == 0 else 0.11)) * math.sin(i * math.pi / 5),
            cy - (radius * (0.28 if i % 2 == 0 else 0.11)) * math.cos(i * math.pi / 5),
        )
        for i in range(10)
    ]
    draw.polygon(star, fill=255)
    n = len(glyphs)
    for i, glyph in enumerate(glyphs):
        angle = -110 + 220 * (i + 0.5) / n  # degrees from the top, clockwise
        mask = Image.eval(glyph.convert("L"), lambda v: 255 - v)  # the glyph's dark strokes
        mask = mask.resize((int(mask.width * 1.1), int(mask.height * 1.1)))
        turned = mask.rotate(-angle, expand=True, resample=Image.Resampling.BICUBIC)
        r = radius * 0.72
        gx = cx + r * math.sin(math.radians(angle)) - turned.width / 2
        gy = cy - r * math.cos(math.radians(angle)) - turned.height / 2
        ink.paste(255, (int(gx), int(gy)), turned)
    # uneven ink: a seal never prints evenly
    patchy = rng.uniform(0.55, 0.95, size=(page.height, page.width)).astype(np.float32)
    alpha = (np.asarray(ink, dtype=np.float32) / 255.0) * patchy
    rgb = np.asarray(page.convert("RGB"), dtype=np.float32)
    red = np.array(SEAL_RED, dtype=np.float32)
    # ink multiplies: dark text under the seal stays dark
    out = rgb * (1 - alpha[..., None]) + (rgb * red / 255.0) * alpha[..., None]
    page.paste(Image.fromarray(out.clip(0, 255).astype(np.uint8)))


def _noise(page: Image.Image, rng: np.random.Generator, light: bool) -> Image.Image:
    a = np.asarray(page, dtype=np.float32)
    a = a + rng.normal(0, 5, size=a.shape)
    specks = rng.random(a.shape[:2]) < 0.0004
    a[specks] = 40
    if light:  # a photo: brighter at one corner, a grey cast
        h, w = a.shape[:2]
        yy, xx = np.mgrid[0:h, 0:w]
        shade = 0.78 + 0.2 * (xx / w) * 0.5 + 0.2 * (yy / h) * 0.5
        a = a * (shade[..., None] if a.ndim == 3 else shade)
    out = Image.fromarray(a.clip(0, 255).astype(np.uint8))
    return out.filter(ImageFilter.GaussianBlur(0.5))


def scan_pages(scan: Scan) -> list[Image.Image]:
    src = SAMPLES / f"{scan.stem}.pdf"
    rng = np.random.default_rng(scan.seed)
    scale = SCAN_DPI / 72
    doc = pdfium.PdfDocument(src)
    pages = []
    try:
        if len(doc) != len(scan.pages):
            raise SystemExit(f"{src.name} has {len(doc)} pages, the recipe {len(scan.pages)}")
        for i, knobs in enumerate(scan.pages):
            image = doc[i].render(scale=scale).to_pil().convert("RGB")
            if knobs.seal:
                glyphs, centre = _glyphs(src, i, knobs.seal, image, scale)
                _stamp(image, glyphs, centre, rng)
            image = image.rotate(knobs.skew, resample=Image.Resampling.BICUBIC, fillcolor=(255, 255, 255))
            if knobs.turn:
                image = image.rotate(knobs.turn, expand=True)
            image = _noise(image if knobs.seal or scan.light else image.convert("L"), rng, scan.light)
            pages.append(image)
    finally:
        doc.close()
    return pages


def write(scan: Scan, out_dir: Path) -> Path:
    pages = scan_pages(scan)
    dst = out_dir / scan.name
    if scan.ext == "pdf":
        raw = io.BytesIO()
        # each page JPEG-compressed (DCTDecode) into an image-only PDF
        pages[0].save(
            raw,
            "PDF",
            save_all=True,
            append_images=pages[1:],
            resolution=float(SCAN_DPI),
            quality=scan.quality,
        )
        with pikepdf.open(io.BytesIO(raw.getvalue())) as pdf:
            for key in ("/Title", "/Producer", "/Creator"):
                if key in pdf.docinfo:
                    del pdf.docinfo[key]
            save_reproducible(pdf, dst)
    elif scan.ext == "jpg":
        pages[0].save(dst, "JPEG", quality=scan.quality, dpi=(SCAN_DPI, SCAN_DPI))
    else:
        # a phone's PNG of a form: 16 colours keep the file small (the noise would not compress)
        pages[0].quantize(16, dither=Image.Dither.NONE).save(
            dst, "PNG", optimize=True, dpi=(SCAN_DPI, SCAN_DPI)
        )
    return dst


def main(argv: list[str] | None = None) -> int:
    out_dir = Path(argv[0]) if argv else SAMPLES
    for scan in SCANS:
        path = write(scan, out_dir)
        print(f"{path.name}: {path.stat().st_size // 1024} KiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

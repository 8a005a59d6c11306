"""Evidence: the crop of a PDF page around the cells behind a finding or a cell that needs review,
so an auditor sees the number as printed beside what was read from it.

Pages are rendered with pypdfium2 (to PIL), cropped to the rows involved (the form's whole table
width on that page, so the row's name and the neighbouring columns are in view), the cells
involved outlined in red, and saved as small WebP images. Only what the report shows is cropped.

The source must still be at its path (as stored in ``sources.source_path``, relative to the
working directory) or under ``base`` (``jixiao report --sources DIR``: the stored path inside it,
or the file's name), with the same bytes (sha256) it had when it was read (so a file found by its
name alone is the right one); when it is not, there is no crop and :meth:`Cropper.open` says why
(in Chinese). Boxes come from
``provenance``/``cells``: points from the page's top-left corner (pdfplumber's convention).
"""

from __future__ import annotations

import hashlib
import importlib
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

#: Render scale (1.0 = 72 dpi): 1.6 ≈ 115 dpi keeps 10.5 pt text legible at a small size.
SCALE: Final = 1.6
QUALITY: Final = 40
#: libwebp's effort (0–6): 2 encodes 3× faster than the default 4 for 5 % more bytes.
METHOD: Final = 2
#: Points added above and below the rows involved.
PAD: Final = 10.0
MAX_HEIGHT: Final = 420.0  # points: a crop taller than this keeps the top of the area
HEADER_REACH: Final = 90.0  # points: a column label at most this far above is brought into view
Box = tuple[float, float, float, float]  # x0, top, x1, bottom in points


@dataclass(frozen=True, slots=True)
class Crop:
    page: int  # 1-based, as in provenance
    data: bytes  # WebP
    width: int
    height: int

    @property
    def mime(self) -> str:
        return "image/webp"


@dataclass
class _Source:
    doc: Any  # pypdfium2.PdfDocument, or a PIL image (a scan or photo sent as an image file)
    pages: dict[int, Any] = field(default_factory=dict)  # page → rendered PIL image
    image: bool = False


#: An image file's page size: its longer side is an A4 page's (points), as the OCR reads it
#: (``parsers.formats.image``), so its boxes are in points of that page.
A4_LONG_SIDE_PT: Final = 11.69 * 72


#: Sources kept open at once (with up to 4 rendered pages each): the report goes form by form, so
#: a season of 50,000 files never sits in memory.
OPEN_SOURCES: Final = 3


class Cropper:
    """Opens a source when a form of it is cropped (checked by its sha256), renders its pages on
    demand and keeps the last few open; close it (or use it as a context manager) at the end."""

    def __init__(self, base: Path | None = None, scale: float = SCALE, quality: int = QUALITY) -> None:
        self.base, self.scale, self.quality = base, scale, quality
        self._open: dict[str, _Source | str] = {}  # in the order last used

    def __enter__(self) -> Cropper:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        for src in self._open.values():
            if isinstance(src, _Source):
                src.doc.close()
        self._open.clear()

    def _find(self, path: str) -> Path | None:
        stored = Path(path)
        candidates = [stored]
        if self.base is not None:  # the stored path under base (an absolute one from its root), or its name
            inside = stored.relative_to(stored.anchor) if stored.is_absolute() else stored
            candidates += [self.base / inside, self.base / stored.name]
        for candidate in candidates:
            if candidate.is_file():
                return candidate
        return None

    def open(self, path: str, sha256: str | None) -> str | None:
        """None when the source can be cropped, else why not (Chinese, for the report)."""
        src = self._open.pop(path, None)
        if src is None:
            src = self._load(path, sha256)
        self._open[path] = src  # the most recently used last
        docs = [(p, s) for p, s in self._open.items() if isinstance(s, _Source)]
        for old, doc in docs[: max(0, len(docs) - OPEN_SOURCES)]:
            del self._open[old]  # opened again (and checked again) if one of its forms comes later
            doc.doc.close()
        return src if isinstance(src, str) else None

    def _load(self, path: str, sha256: str | None) -> _Source | str:
        # untyped; imported by name so the type check needs no stubs nor an override
        pdfium: Any = importlib.import_module("pypdfium2")

        found = self._find(path)
        if found is None:
            return f"原文件不在 {path}（生成报告时找不到），无法显示页面截图。"
        try:
            data = found.read_bytes()
        except OSError as e:
            return f"原文件 {path} 无法读取（{e.strerror}），无法显示页面截图。"
        if sha256 and hashlib.sha256(data).hexdigest() != sha256:
            return f"原文件 {path} 在读取之后已被更改，页面截图可能与数据不符，未显示。"
        if not data.startswith(b"%PDF"):
            return self._image(path, data)
        try:
            return _Source(pdfium.PdfDocument(data))
        except pdfium.PdfiumError:
            return f"原文件 {path} 无法渲染，无法显示页面截图。"

    def _image(self, path: str, data: bytes) -> _Source | str:
        from PIL import Image, UnidentifiedImageError

        try:
            image = Image.open(io.BytesIO(data))
            image.load()
        except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
            return f"原文件 {path} 无法渲染，无法显示页面截图。"
        return _Source(image, image=True)

    def _image_page(self, src: _Source, page: int) -> Any:
        from PIL import ImageOps

        try:
            src.doc.seek(page - 1)  # a multi-page TIFF: one page per frame
        except EOFError:
            return None
        frame = ImageOps.exif_transpose(src.doc.convert("RGB"))
        f = self.scale * A4_LONG_SIDE_PT / max(frame.size)  # pixels per point wanted / had
        return frame.resize((max(1, round(frame.width * f)), max(1, round(frame.height * f))))

    def _page(self, src: _Source, page: int) -> Any:
        if page not in src.pages:
            if len(src.pages) >= 4:  # a form spans a few pages: keep only the recent ones
                src.pages.pop(next(iter(src.pages)))
            if src.image:
                src.pages[page] = self._image_page(src, page)
                return src.pages[page]
            pdf_page = src.doc[page - 1]
            try:
                if pdf_page.get_rotation() % 360:
                    src.pages[page] = None  # boxes are of the unrotated page: no crop
                else:
                    src.pages[page] = pdf_page.render(scale=self.scale).to_pil().convert("RGB")
            finally:
                pdf_page.close()
        return src.pages[page]

    def crops(
        self,
        path: str,
        marked: Iterable[tuple[int, Box]],
        context: Iterable[tuple[int, Box]],
        headers: Iterable[tuple[int, Box]] = (),
    ) -> list[Crop]:
        """One crop per page of the cells ``marked`` (outlined), as wide as the ``context`` cells
        (the form's cells) on that page, reaching up to their column ``headers`` when they are
        on the same page and near enough. The source must have been opened."""
        src = self._open.get(path)
        if not isinstance(src, _Source):
            return []
        by_page: dict[int, list[Box]] = {}
        for page, box in marked:
            by_page.setdefault(page, []).append(box)
        width: dict[int, tuple[float, float]] = {}
        for page, (x0, _, x1, _) in context:
            lo, hi = width.get(page, (x0, x1))
            width[page] = (min(lo, x0), max(hi, x1))
        reach: dict[int, float] = {}
        for page, (_, htop, _, _) in headers:
            if page in by_page:
                reach[page] = min(reach.get(page, htop), htop)
        out = []
        for page in sorted(by_page):
            if not 1 <= page <= (getattr(src.doc, "n_frames", 1) if src.image else len(src.doc)):
                continue
            image = self._page(src, page)
            if image is None:
                continue
            out.append(self._crop(image, page, by_page[page], width.get(page), reach.get(page)))
        return out

    def _crop(
        self,
        image: Any,
        page: int,
        boxes: Sequence[Box],
        span: tuple[float, float] | None,
        header_top: float | None,
    ) -> Crop:
        from PIL import ImageDraw

        s = self.scale
        x0 = min(b[0] for b in boxes)
        x1 = max(b[2] for b in boxes)
        if span is not None:
            x0, x1 = min(x0, span[0]), max(x1, span[1])
        top = min(b[1] for b in boxes) - PAD
        bottom = max(b[3] for b in boxes) + PAD
        if header_top is not None and top - header_top <= HEADER_REACH:  # the column's label in view
            top = min(top, header_top - 2)
        bottom = min(bottom, top + MAX_HEIGHT)
        left, right = max(0, int((x0 - 4) * s)), min(image.width, int((x1 + 4) * s) + 1)
        upper, lower = max(0, int(top * s)), min(image.height, int(bottom * s) + 1)
        piece = image.crop((left, upper, max(right, left + 1), max(lower, upper + 1)))
        draw = ImageDraw.Draw(piece)
        for bx0, btop, bx1, bbottom in boxes:
            draw.rectangle(
                (bx0 * s - left, btop * s - upper, bx1 * s - left, bbottom * s - upper),
                outline=(214, 40, 40),
                width=2,
            )
        buf = io.BytesIO()
        piece.save(buf, format="WEBP", quality=self.quality, method=METHOD)
        return Crop(page, buf.getvalue(), piece.width, piece.height)

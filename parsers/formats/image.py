"""Image files (a scanned or photographed form: .jpg, .png, .tif; BMP too) → ``RawDocument`` by
OCR, one page per image (a multi-page TIFF: one page per frame).

An image says nothing reliable about its size on paper (a phone writes 72 dpi into every photo),
so its resolution is taken from its size as a page: the longer side is an A4 page's 11.69 in.
The image is scaled to ``ParseOptions.ocr_dpi`` (finer needs no more time, coarser loses its thin
ruling lines in the deskew); boxes are in points of that page. The OCR libraries are imported
only when an image is read.
"""

from __future__ import annotations

from typing import Any

from parsers.formats.base import ParseOptions, Services
from schemas.errors import CorruptDocument, NeedsOCR, ResourceLimit
from schemas.records import RawDocument

#: The longer side of an A4 page (inches): what an image of a form is assumed to span.
PAGE_INCHES = 11.69
#: Most pixels decoded from one image (a decompression-bomb guard): 60 megapixels.
MAX_PIXELS = 60_000_000


def _frames(data: bytes, options: ParseOptions) -> list[Any]:
    import cv2
    import numpy as np

    buf = np.frombuffer(data, np.uint8)
    ok, frames = cv2.imdecodemulti(buf, cv2.IMREAD_COLOR)
    if not ok or not frames:
        raise CorruptDocument("not a readable image (the file is damaged or truncated)")
    if len(frames) > options.max_pages:
        raise ResourceLimit(
            f"the image has {len(frames)} pages, more than the {options.max_pages}-page limit"
        )
    return list(frames)


def parse_image(data: bytes, options: ParseOptions, services: Services | None = None) -> RawDocument:
    """Read each frame of an image file by OCR, as the pages of one document."""
    if options.ocr == "off":
        raise NeedsOCR("an image (a scanned or photographed form): needs OCR, which is off (--ocr off)")
    from parsers.formats.ocr_engine import require_ocr

    require_ocr()
    import cv2

    from parsers.formats import pdf, scan

    _guard_size(data)
    ocr = scan.engine(services, options)
    pages = []
    unplaced: list[tuple[int, str]] = []
    notes = []
    for number, frame in enumerate(_frames(data, options), start=1):
        dpi = max(frame.shape[:2]) / PAGE_INCHES
        if abs(dpi - options.ocr_dpi) > 0.1 * options.ocr_dpi:
            f = options.ocr_dpi / dpi
            method = cv2.INTER_AREA if f < 1 else cv2.INTER_CUBIC
            frame = cv2.resize(frame, None, fx=f, fy=f, interpolation=method)
            dpi = options.ocr_dpi
        content, lost, note = scan.ocr_page(frame, dpi, number, ocr)
        pages.append(content)
        unplaced.extend(lost)
        notes.append(note)
    failed = [(p.number, p.ocr_reason) for p in pages if p.ocr_reason]
    if len(failed) == len(pages):
        raise NeedsOCR(
            f"needs OCR: {failed[0][1]}" + (f" on all {len(pages)} pages" if len(pages) > 1 else "")
        )
    doc = pdf._assemble(pages, options, failed)
    return RawDocument(
        "image",
        doc.blocks,
        n_pages=len(pages),
        warnings=(*notes, *doc.warnings),
        ocr_pages=doc.ocr_pages,
        unplaced=tuple(unplaced),
    )


def _guard_size(data: bytes) -> None:
    """Refuse an image whose header promises more pixels than ``MAX_PIXELS`` (read with Pillow's
    lazy open when it is there, which decodes nothing)."""
    import io
    import warnings

    from PIL import Image  # (pdfplumber's dependency)

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # the limit is ours
            with Image.open(io.BytesIO(data)) as im:
                w, h = im.size
    except Image.DecompressionBombError as e:
        raise ResourceLimit(f"the image is larger than the {MAX_PIXELS // 1_000_000} MP limit ({e})") from e
    except Exception as e:
        raise CorruptDocument(f"not a readable image ({type(e).__name__}: {e})") from e
    if w * h > MAX_PIXELS:
        raise ResourceLimit(f"the image is {w}×{h} pixels, more than the {MAX_PIXELS // 1_000_000} MP limit")

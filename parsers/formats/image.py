"""Image files (a scanned or photographed form: .jpg, .png, .tif; BMP too) → ``RawDocument`` by
OCR, one page per image (a multi-page TIFF: one page per frame).

An image says nothing reliable about its size on paper (a phone writes 72 dpi into every photo),
so its resolution is taken from its size as a page: the longer side is an A4 page's 11.69 in,
and it is scaled to ``ParseOptions.ocr_dpi`` (``scan.read_pages``); boxes are in points of that
page. Decoding and OCR happen in the worker's OCR process (``ocr_service``).
"""

from __future__ import annotations

from parsers.formats.base import ParseOptions, Services
from schemas.errors import CorruptDocument, NeedsOCR, ResourceLimit
from schemas.records import RawDocument

#: Most pixels decoded from one image (a decompression-bomb guard): 60 megapixels.
MAX_PIXELS = 60_000_000


def parse_image(data: bytes, options: ParseOptions, services: Services | None = None) -> RawDocument:
    """Read each frame of an image file by OCR (``scan.read_pages``, in the worker's OCR
    service), as the pages of one document."""
    if options.ocr == "off":
        raise NeedsOCR("an image (a scanned or photographed form): needs OCR, which is off (--ocr off)")
    from parsers.formats import pdf
    from parsers.formats.ocr_engine import require_ocr
    from parsers.formats.ocr_service import run_pages

    require_ocr()
    _guard_size(data)
    params = {"dpi": options.ocr_dpi, "max_pages": options.max_pages}
    read = run_pages("image", data, params, options, services)
    pages = [content for content, _, _ in read]
    unplaced = tuple(u for _, lost, _ in read for u in lost)
    notes = tuple(note for _, _, note in read)
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
        unplaced=unplaced,
        ocr_read=tuple(p.number for p in pages if not p.ocr_reason),
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

"""The OCR engine a worker lends its parsers (``Services``): RapidOCR's PP-OCR models (text
detection, the 0°/180° line classifier, recognition) on ONNX Runtime, started once per worker.

The models ship inside the ``rapidocr_onnxruntime`` wheel (``models/*.onnx``); nothing is
downloaded at run time. ONNX Runtime runs on ``threads`` intra-op threads (1 by default: a worker
is one process on one core; ``--workers`` spreads files over cores). The imports are lazy: a
worker that never meets a scan never loads OpenCV or ONNX Runtime.
"""

from __future__ import annotations

from typing import Any

from schemas.errors import MissingComponent, ResourceLimit

#: What to install when OCR is missing (the sources reason says it, in Chinese and English).
INSTALL = "pip install rapidocr_onnxruntime onnxruntime pypdfium2 opencv-python-headless"
MISSING = (
    f"OCR组件未安装，无法识别扫描件或图片：请执行 {INSTALL}"
    f" / OCR is not installed, scans and images cannot be read: {INSTALL}"
)

Box = tuple[float, float, float, float]
#: Height (pixels at the detection resolution) of the strips a page is detected in, and their
#: overlap: at 100 dpi, 3.5 in and 0.6 in (twice the tallest line of text on a form).
STRIP = 350
OVERLAP = 60


def require_ocr() -> None:
    """Raise ``MissingComponent`` (with how to install) unless every OCR library imports."""
    try:
        import cv2  # noqa: F401
        import onnxruntime  # noqa: F401
        import pypdfium2  # noqa: F401
        import rapidocr_onnxruntime  # noqa: F401
    except ImportError as e:
        raise MissingComponent(f"{MISSING} ({e})") from e


def _memory(e: Exception) -> None:
    """Raise ``ResourceLimit`` for ONNX Runtime or OpenCV running out of memory (a worker's
    address-space cap, ``--memory-mb``): the file is over a limit, not damaged."""
    text = str(e)
    if "bad_alloc" in text or "Insufficient memory" in text or "Failed to allocate" in text:
        raise ResourceLimit(
            "OCR所需内存超出工作进程的内存上限（--memory-mb），请调高后以 --reprocess 重新读取"
            " / OCR needs more memory than the worker's cap (--memory-mb): raise it (3072 is"
            " enough) and read the file again with --reprocess"
        ) from e


class OcrEngine:
    """Text boxes, their text and confidence, and which way up text lines are."""

    def __init__(self, threads: int = 1) -> None:
        require_ocr()
        from rapidocr_onnxruntime import RapidOCR

        self._ocr: Any = RapidOCR(intra_op_num_threads=threads, inter_op_num_threads=1, print_verbose=False)

    def detect(self, image: Any, scale: float) -> list[Box]:
        """Axis-aligned boxes of the text lines of ``image`` (BGR), detected on the image scaled
        by ``scale`` (detection needs far less resolution than recognition) and given in the
        pixels of ``image``. A page is detected in horizontal strips (``STRIP`` high, overlapping
        by ``OVERLAP``; a box belongs to the strip its centre falls in the middle of): the
        detector's feature maps grow with the image, and a whole page at once would need more
        memory than a worker's cap allows."""
        import cv2
        import numpy as np

        small = (
            cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale != 1 else image
        )
        height = small.shape[0]
        out = []
        top = 0
        while True:
            bottom = min(height, top + STRIP)
            try:
                quads, _ = self._ocr.text_det(np.ascontiguousarray(small[top:bottom]))
            except Exception as e:  # RapidOCR wraps ONNX Runtime's errors in its own
                _memory(e)
                raise
            lo = 0 if top == 0 else top + OVERLAP // 2
            hi = height if bottom == height else bottom - OVERLAP // 2
            for quad in np.asarray(quads if quads is not None else [], dtype=np.float64).reshape(-1, 4, 2):
                xs, ys = quad[:, 0], quad[:, 1] + top
                if lo <= (ys.min() + ys.max()) / 2 < hi:
                    out.append(
                        (
                            float(xs.min() / scale),
                            float(ys.min() / scale),
                            float(xs.max() / scale),
                            float(ys.max() / scale),
                        )
                    )
            if bottom == height:
                return out
            top = bottom - OVERLAP

    def recognize(self, crops: list[Any]) -> list[tuple[str, float]]:
        """Each crop's text and recognition confidence (0–1)."""
        if not crops:
            return []
        try:
            results, _ = self._ocr.text_rec(crops)
        except Exception as e:
            _memory(e)
            raise
        return [(str(text), float(score)) for text, score in results]

    def upside_down(self, crops: list[Any]) -> float:
        """Share of text-line crops the classifier reads as turned by 180°."""
        if not crops:
            return 0.0
        try:
            _, labels, _ = self._ocr.text_cls(crops)
        except Exception as e:
            _memory(e)
            raise
        return sum(1 for label, score in labels if label == "180" and score >= 0.8) / len(crops)

    def close(self) -> None:
        self._ocr = None

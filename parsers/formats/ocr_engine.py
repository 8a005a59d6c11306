"""The OCR engine a worker lends its parsers (``Services``): RapidOCR's PP-OCR models (text
detection, the 0°/180° line classifier, recognition) on ONNX Runtime, started once per worker.

The models ship inside the ``rapidocr_onnxruntime`` wheel (``models/*.onnx``); nothing is
downloaded at run time. ONNX Runtime runs on ``threads`` intra-op threads (1 by default: a worker
is one process on one core; ``--workers`` spreads files over cores). The imports are lazy: a
worker that never meets a scan never loads OpenCV or ONNX Runtime.
"""

from __future__ import annotations

from typing import Any

from schemas.errors import MissingComponent

#: What to install when OCR is missing (the sources reason says it, in Chinese and English).
INSTALL = "pip install rapidocr_onnxruntime onnxruntime pypdfium2 opencv-python-headless"
MISSING = (
    f"OCR组件未安装，无法识别扫描件或图片：请执行 {INSTALL}"
    f" / OCR is not installed, scans and images cannot be read: {INSTALL}"
)

Box = tuple[float, float, float, float]


def require_ocr() -> None:
    """Raise ``MissingComponent`` (with how to install) unless every OCR library imports."""
    try:
        import cv2  # noqa: F401
        import onnxruntime  # noqa: F401
        import pypdfium2  # noqa: F401
        import rapidocr_onnxruntime  # noqa: F401
    except ImportError as e:
        raise MissingComponent(f"{MISSING} ({e})") from e


class OcrEngine:
    """Text boxes, their text and confidence, and which way up text lines are."""

    def __init__(self, threads: int = 1) -> None:
        require_ocr()
        from rapidocr_onnxruntime import RapidOCR

        self._ocr: Any = RapidOCR(intra_op_num_threads=threads, inter_op_num_threads=1, print_verbose=False)

    def detect(self, image: Any, scale: float) -> list[Box]:
        """Axis-aligned boxes of the text lines of ``image`` (BGR), detected on the image scaled
        by ``scale`` (detection needs far less resolution than recognition) and given in the
        pixels of ``image``."""
        import cv2
        import numpy as np

        small = (
            cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale != 1 else image
        )
        quads, _ = self._ocr.text_det(small)
        if quads is None or len(quads) == 0:
            return []
        out = []
        for quad in np.asarray(quads, dtype=np.float64) / scale:
            xs, ys = quad[:, 0], quad[:, 1]
            out.append((float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max())))
        return out

    def recognize(self, crops: list[Any]) -> list[tuple[str, float]]:
        """Each crop's text and recognition confidence (0–1)."""
        if not crops:
            return []
        results, _ = self._ocr.text_rec(crops)
        return [(str(text), float(score)) for text, score in results]

    def upside_down(self, crops: list[Any]) -> float:
        """Share of text-line crops the classifier reads as turned by 180°."""
        if not crops:
            return 0.0
        _, labels, _ = self._ocr.text_cls(crops)
        return sum(1 for label, score in labels if label == "180" and score >= 0.8) / len(crops)

    def close(self) -> None:
        self._ocr = None

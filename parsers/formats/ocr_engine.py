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

#: rapidocr_onnxruntime pulls in opencv-python, OpenCV's desktop build, which needs libGL; it and
#: the headless build install the same ``cv2``, and the one installed last is the one imported.
HEADLESS = "pip uninstall -y opencv-python && pip install --force-reinstall --no-deps opencv-python-headless"
DESKTOP_OPENCV = (
    "OCR用的OpenCV是桌面版（opencv-python，需要libGL），本机没有libGL，无法识别扫描件或图片："
    f"请执行 {HEADLESS}（或安装libGL：apt-get install libgl1）"
    " / OCR's OpenCV is the desktop build (opencv-python), which needs libGL, missing here: "
    f"{HEADLESS} (or install libGL: apt-get install libgl1)"
)

Box = tuple[float, float, float, float]
#: Pixels (at the detection resolution) of each horizontal strip a page is detected in: the
#: detector's feature maps grow with its input, and a whole page at once needs more memory than a
#: worker's cap allows. 1.28 Mpx is about an A4 page's width by 7 inches at 150 dpi.
STRIP_PIXELS = 1_280_000
#: Overlap of two strips (inches): twice the tallest line of text on a form.
OVERLAP_INCHES = 0.6
#: Widest input (pixels) the detector is given without being scaled down: far above any strip
#: of a page at the detection resolution, so the detector sees the strip at the resolution the
#: caller chose (RapidOCR's default scales every input *up* until its shorter side is 736 px:
#: a 350 px strip was detected at twice the resolution asked for, at four times the cost).
DETECT_MAX_SIDE = 8192
#: Width (pixels at the recogniser's 48 px height) every text-line crop of a batch is padded to
#: at least. RapidOCR pads to 320 (a ratio of 6.7); the pieces of a form's cells are short (a
#: median ratio of 2), and padding them to 320 spent a third of the recognition on blank input.
#: Crops are sorted by width and batched 8 at a time, so a batch pads to its widest crop.
REC_MIN_WIDTH = 160
REC_BATCH = 8


def require_ocr() -> None:
    """Raise ``MissingComponent`` (with how to install) unless every OCR library imports."""
    try:
        import cv2  # noqa: F401
        import onnxruntime  # noqa: F401
        import pypdfium2  # noqa: F401
        import rapidocr_onnxruntime  # noqa: F401
    except ImportError as e:
        if "libGL" in str(e):
            raise MissingComponent(f"{DESKTOP_OPENCV} ({e})") from e
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

        self._ocr: Any = RapidOCR(
            intra_op_num_threads=threads,
            inter_op_num_threads=1,
            print_verbose=False,
            det_limit_type="max",
            det_limit_side_len=DETECT_MAX_SIDE,
            rec_img_shape=[3, 48, REC_MIN_WIDTH],
            rec_batch_num=REC_BATCH,
        )

    def detect(self, image: Any, dpi: float, at: float) -> list[Box]:
        """Axis-aligned boxes of the text lines of ``image`` (BGR, ``dpi``), detected at ``at`` dpi
        (never above the image's own: detection needs less resolution than recognition) and given
        in the pixels of ``image``. A page is detected in horizontal strips of ``STRIP_PIXELS``
        overlapping by ``OVERLAP_INCHES`` (a box belongs to the strip its centre falls in the
        middle of)."""
        import cv2
        import numpy as np

        at = min(at, dpi)
        scale = at / dpi
        small = (
            cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale != 1 else image
        )
        height = small.shape[0]
        overlap = round(OVERLAP_INCHES * at)
        strip = max(2 * overlap, STRIP_PIXELS // max(1, small.shape[1]))
        out = []
        top = 0
        while True:
            bottom = min(height, top + strip)
            try:
                quads, _ = self._ocr.text_det(np.ascontiguousarray(small[top:bottom]))
            except Exception as e:  # RapidOCR wraps ONNX Runtime's errors in its own
                _memory(e)
                raise
            lo = 0 if top == 0 else top + overlap // 2
            hi = height if bottom == height else bottom - overlap // 2
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
            top = bottom - overlap

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

"""Scanned PDFs and photos (``sample_docs/*.scan.pdf``, ``*.photo.*``, made by
``sample_docs/build/scans.py``) read by OCR: each matches its source form's golden file, or its
form is ``needs_review`` with the cells named — never a wrong value that passes. And the parts:
seal suppression, deskew, quarter turns, the grid rebuilt from ruling lines, ``--ocr off``, OCR
missing, nothing fetched from the network."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from PIL import Image

from parsers.formats import scan_grid as sg
from parsers.formats import scan_image as si
from parsers.formats.base import ParseOptions
from parsers.formats.detect import detect_format
from pipeline.dataset.writer import Dataset
from pipeline.extract import extract, sha256_of
from schemas.records import Source
from tests import golden
from tests.conftest import ROOT, SAMPLES

SCANNED = sorted(p for p in SAMPLES.iterdir() if golden.variant_of(p) and p.is_file())
_CELL = "第"  # every OCR review reason names a cell: 表1第5行第3列 / 第1页表格第3行第1列 / “text”
#: Free-text fields: OCR may drop or change their punctuation (a closing 。 the recogniser does not
#: see, ， read as ,) and cannot tell full-width from half-width characters, so they are compared
#: without punctuation and width (NFKC). Numbers, units, operators and every other field: exactly.
FREE_TEXT = frozenset(
    {"goal_expected", "goal_actual", "deviation_note", "level3", "label_raw", "project_name"}
)
_PUNCT = re.compile(r"[\s。，,、；;：:！!？?“”\"'‘’（）()]")


def _fold(doc: Any, key: str | None = None) -> Any:
    if isinstance(doc, dict):
        return {k: _fold(v, k) for k, v in doc.items()}
    if isinstance(doc, list):
        return [_fold(v) for v in doc]
    if key in FREE_TEXT and isinstance(doc, str):
        return _PUNCT.sub("", unicodedata.normalize("NFKC", doc))
    return doc


def _projections(tables: golden.Tables, document: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """(actual, expected) as compared for a scan: ``golden.normalise``, free text folded."""
    expected = golden.normalise(golden.load(golden.golden_path(document)))
    actual = golden.normalise(golden.project(tables, f"sample_docs/{document.name}"))
    return _fold(actual), _fold(expected)


@pytest.fixture(scope="module")
def tables(sample_dataset: Dataset) -> golden.Tables:
    return golden.Tables(sample_dataset)


def _forms(tables: golden.Tables, document: Path) -> list[dict[str, Any]]:
    sha = tables.sources[f"sample_docs/{document.name}"]["source_sha256"]
    return sorted((f for f in tables.forms if f["source_sha256"] == sha), key=lambda f: f["form_index"])


def test_there_are_scans_and_photos() -> None:
    names = [p.name for p in SCANNED]
    assert sum(n.endswith(".scan.pdf") for n in names) >= 4
    assert {p.suffix for p in SCANNED} >= {".pdf", ".jpg", ".png"}
    assert sum(p.stat().st_size for p in SCANNED) < 3 * 1024 * 1024


@pytest.mark.parametrize("document", SCANNED, ids=lambda p: p.name)
def test_scan_matches_golden_or_needs_review(document: Path, tables: golden.Tables) -> None:
    """The scan reads as its source form's golden file; where it does not, every form that
    differs is needs_review with reasons that name the cells, and nothing else differs (the
    form count, the file's status)."""
    actual, expected = _projections(tables, document)
    if actual == expected:
        return
    assert len(actual["forms"]) == len(expected["forms"]), "a scan must not lose or invent a form"
    forms = _forms(tables, document)
    for got, want, row in zip(actual["forms"], expected["forms"], forms, strict=True):
        if got == want:
            continue
        assert row["needs_review"], (
            f"{document.name}: form {row['form_index']} differs from its golden without needs_review"
        )
        reasons = row["review_reasons"]
        assert reasons and all(_CELL in r or "“" in r for r in reasons), reasons


def test_no_scanned_value_is_wrong_without_review(tables: golden.Tables) -> None:
    """The rule above all, over every scan at once: a value that differs from the golden file is
    on a form that says it needs review, or in a file that is not ``ok``."""
    silent = []
    for document in SCANNED:
        actual, expected = _projections(tables, document)
        if actual["source"]["status"] != "ok":
            continue
        for i, (got, row) in enumerate(zip(actual["forms"], _forms(tables, document), strict=True)):
            want = expected["forms"][i] if i < len(expected["forms"]) else None
            if got != want and not row["needs_review"]:
                silent.append(f"{document.name} form {i}")
    assert not silent


def test_folding_keeps_words_and_numbers() -> None:
    assert _fold({"goal_actual": "就业率８２．１％。"}) == _fold({"goal_actual": "就业率82.1%"})
    assert _fold({"goal_actual": "完成12处"}) != _fold({"goal_actual": "完成11处"})
    assert _fold({"goal_actual": "82.1%"}) != _fold({"goal_actual": "821%"})
    assert _fold({"target_raw": "≥90%。"}) != _fold({"target_raw": "≥90%"})


def test_scans_carry_confidence_and_their_box_on_the_page(sample_dataset: Dataset) -> None:
    cells = sample_dataset.read("cells").to_pylist()
    sources = {r["source_sha256"]: r["source_path"] for r in sample_dataset.read("sources").to_pylist()}
    scanned = [c for c in cells if golden.variant_of(Path(sources.get(c["source_sha256"], "")))]
    printed = [c for c in cells if sources.get(c["source_sha256"]) == "sample_docs/seed_datong_2021.pdf"]
    assert scanned and all(
        c["confidence"] is not None and 0 <= c["confidence"] <= 1 for c in scanned if c["text"]
    )
    assert printed and all(c["confidence"] is None for c in printed)


# ---------------------------------------------------------------------------------- the parts
def _table_image(dpi: int = 200) -> np.ndarray[Any, Any]:
    """A white page with a 4×3 table: its top-left cell spans two rows (the line between them is
    missing), its bottom row spans all three columns; "x" glyph-like blobs inside."""
    img = np.full((1100, 850), 255, np.uint8)
    xs, ys = [100, 300, 500, 700], [100, 180, 260, 340, 420]
    for y in ys:
        cv2.line(img, (xs[0], y), (xs[-1], y), 0, 2)
    for x in xs:
        cv2.line(img, (x, ys[0]), (x, ys[-1]), 0, 2)
    cv2.line(img, (xs[0] + 2, ys[1]), (xs[1] - 2, ys[1]), 255, 4)  # (0,0)+(1,0) merged
    cv2.line(img, (xs[1], ys[3] + 2), (xs[1], ys[4] - 2), 255, 4)  # bottom row: one cell
    cv2.line(img, (xs[2], ys[3] + 2), (xs[2], ys[4] - 2), 255, 4)
    cv2.putText(img, "12", (350, 230), cv2.FONT_HERSHEY_SIMPLEX, 1.2, 0, 3)
    return img


def _grids(img: np.ndarray[Any, Any], dpi: float = 200) -> list[sg.Grid]:
    ink = si.binarize(img, dpi)
    hor, ver = sg.line_masks(ink, dpi)
    grids, _ = sg.find_grids(hor, ver, dpi)
    return grids


def test_grid_rebuilds_spans_from_missing_lines() -> None:
    (grid,) = _grids(_table_image())
    spans = [(c.row, c.col, c.row_span, c.col_span) for c in grid.cells]
    assert (len(grid.xs), len(grid.ys)) == (4, 5)
    assert spans == [
        (0, 0, 2, 1), (0, 1, 1, 1), (0, 2, 1, 1),
        (1, 1, 1, 1), (1, 2, 1, 1),
        (2, 0, 1, 1), (2, 1, 1, 1), (2, 2, 1, 1),
        (3, 0, 1, 3),
    ]  # fmt: skip


def test_text_across_a_vertical_rule_is_cut_and_across_a_horizontal_one_is_unplaced() -> None:
    (grid,) = _grids(_table_image())
    across_cols = (250.0, 200.0, 350.0, 230.0)  # over the rule at x=300 in row 1
    across_rows = (320.0, 160.0, 380.0, 200.0)  # over the rule at y=180
    placed = sg.place([across_cols, across_rows], [grid])
    assert sorted((c.row, c.col) for c, _ in placed.in_cells) == [(0, 0), (1, 1)]  # (0, 0) spans rows 0–1
    assert placed.unplaced == [across_rows]


def test_deskew_measures_the_angle() -> None:
    img = _table_image()
    for angle in (-3.2, 1.4, 4.5):
        turned, _ = si.rotate(img, angle)
        found = si.estimate_skew(si.binarize(turned, 200))
        assert abs(found + angle) <= 0.15, (angle, found)
    straight = si.estimate_skew(si.binarize(img, 200))
    assert abs(straight) <= 0.1
    # after undoing the skew the grid is the grid drawn
    turned, _ = si.rotate(img, 2.5)
    fixed, _ = si.rotate(turned, si.estimate_skew(si.binarize(turned, 200)))
    (grid,) = _grids(fixed)
    assert len(grid.cells) == 9


def test_quarter_turn_matrices_map_boxes() -> None:
    img = np.zeros((40, 100), np.uint8)
    img[5:10, 20:30] = 255
    for k in (1, 2, 3):
        out, m = si.turn(img, k)
        ys, xs = np.nonzero(out)
        x0, y0, x1, y1 = si.map_box(m, (20, 5, 29, 9))
        assert (x0, y0, x1, y1) == (xs.min(), ys.min(), xs.max(), ys.max())


def test_red_seal_goes_black_text_under_it_stays() -> None:
    page = np.full((200, 200, 3), 255, np.uint8)
    cv2.putText(page, "88", (40, 120), cv2.FONT_HERSHEY_SIMPLEX, 2.0, (20, 20, 20), 5)
    ink = page.astype(np.float32)
    seal = np.zeros((200, 200), np.float32)
    cv2.circle(seal, (100, 100), 70, 1.0, 12)
    cv2.circle(seal, (100, 100), 30, 1.0, -1)
    red = np.array([42, 38, 214], np.float32)  # BGR
    stamped = ink * (1 - 0.85 * seal[..., None]) + ink * red / 255 * 0.85 * seal[..., None]
    grey = si.suppress_seal(stamped.clip(0, 255).astype(np.uint8))
    text = cv2.cvtColor(page, cv2.COLOR_BGR2GRAY) < 128
    near_text = cv2.dilate(text.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0  # antialiased edges
    ring = (seal > 0) & ~near_text
    assert grey[ring].min() >= 180  # the seal is as light as paper
    assert np.mean(grey[text] < 128) > 0.97  # the digits are still there, under it too


def test_image_formats_are_detected_by_content() -> None:
    def encoded(fmt: str) -> bytes:
        buf = io.BytesIO()
        Image.new("L", (8, 8), 255).save(buf, fmt)
        return buf.getvalue()

    for fmt in ("PNG", "JPEG", "TIFF", "BMP"):
        assert detect_format(encoded(fmt)) == "image", fmt
    assert detect_format(encoded("GIF")) == "gif"


# ------------------------------------------------------------------------------- the settings
def _extract(path: Path, options: ParseOptions) -> Any:
    data = path.read_bytes()
    source = Source(str(path), sha256_of(data), len(data), detect_format(data))
    return extract(source, data, "national", options)


def test_ocr_off_reports_needs_ocr() -> None:
    off = ParseOptions(ocr="off")
    for name in ("pdf_scan_no_text.pdf", "funds_scored_per_line_yunnan.photo.jpg"):
        result = _extract(SAMPLES / name, off)
        assert (result.status, result.error_code) == ("failed", "needs_ocr"), name


def test_a_blank_scan_still_needs_ocr() -> None:
    buf = io.BytesIO()
    Image.new("L", (850, 1100), 255).save(buf, "PDF", resolution=100.0)
    path_result = extract(
        Source("blank.pdf", "0" * 64, len(buf.getvalue()), "pdf"), buf.getvalue(), "national", ParseOptions()
    )
    assert (path_result.status, path_result.error_code) == ("failed", "needs_ocr")


def test_text_pdfs_never_load_the_ocr_libraries() -> None:
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from parsers.formats.base import ParseOptions\n"
        "from parsers.formats.pdf import parse_pdf\n"
        "parse_pdf(Path('sample_docs/seed_datong_2021.pdf').read_bytes(), ParseOptions())\n"
        "loaded = [m for m in ('cv2', 'onnxruntime', 'rapidocr_onnxruntime', 'pypdfium2') if m in sys.modules]\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, env=_env())


def _photo_in_a_child(prelude: str) -> tuple[str, str, str]:
    """(status, error code, reason) of a photographed form read in a fresh process that first
    runs ``prelude`` (which breaks one OCR import the way a machine would)."""
    code = prelude + (
        "from pathlib import Path\n"
        "from parsers.formats.base import ParseOptions\n"
        "from pipeline.extract import extract\n"
        "from schemas.records import Source\n"
        "data = Path('sample_docs/funds_scored_per_line_yunnan.photo.jpg').read_bytes()\n"
        "r = extract(Source('p.jpg', '0' * 64, len(data), 'image'), data, 'national', ParseOptions())\n"
        "print(r.status, r.error_code, r.error)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, cwd=ROOT, env=_env(), capture_output=True, text=True
    )
    status, code_, reason = out.stdout.split(" ", 2)
    return status, code_, reason


def test_missing_ocr_says_how_to_install() -> None:
    status, code, reason = _photo_in_a_child(
        "import sys\nsys.modules['rapidocr_onnxruntime'] = None  # as if it were not installed\n"
    )
    assert (status, code) == ("failed", "missing_component")
    assert "OCR组件未安装" in reason and "pip install rapidocr_onnxruntime" in reason


def test_opencv_without_libgl_says_to_use_the_headless_build() -> None:
    status, code, reason = _photo_in_a_child(
        "import builtins\n"
        "real = builtins.__import__\n"
        "def imp(name, *a, **k):\n"
        "    if name == 'cv2':  # what the desktop build raises on a server without libGL\n"
        "        raise ImportError('libGL.so.1: cannot open shared object file: No such file or directory')\n"
        "    return real(name, *a, **k)\n"
        "builtins.__import__ = imp\n"
    )
    assert (status, code) == ("failed", "missing_component")
    assert "桌面版" in reason and "pip uninstall -y opencv-python" in reason and "libgl1" in reason


def test_the_opencv_installed_is_the_headless_build() -> None:
    """``make`` puts the headless build back over the desktop one rapidocr_onnxruntime pulls in:
    the cv2 imported needs no libGL (a server often has none)."""
    import importlib.metadata

    with pytest.raises(importlib.metadata.PackageNotFoundError):
        importlib.metadata.distribution("opencv-python")
    binary = next(Path(cv2.__file__).parent.glob("cv2*.so"))
    ldd = shutil.which("ldd")
    if ldd is not None:
        linked = subprocess.run([ldd, str(binary)], capture_output=True, text=True, check=False).stdout
        assert "libGL.so" not in linked, linked


def test_ocr_runs_offline_on_the_models_in_the_wheel() -> None:
    """The PP-OCR models are files of the installed package, and recognising a page opens no
    network connection (an audit hook refuses any)."""
    import rapidocr_onnxruntime

    models = Path(rapidocr_onnxruntime.__file__).parent / "models"
    assert sorted(p.suffix for p in models.iterdir() if p.suffix == ".onnx") == [".onnx"] * 3
    code = (
        "import sys\n"
        "def refuse(event, args):\n"
        "    if event.startswith(('socket.', 'urllib.')):\n"
        "        raise RuntimeError('network: ' + event)\n"
        "sys.addaudithook(refuse)\n"
        "import numpy as np, cv2\n"
        "from parsers.formats.ocr_engine import OcrEngine\n"
        "img = np.full((120, 600, 3), 255, np.uint8)\n"
        "cv2.putText(img, '2023 100', (20, 80), cv2.FONT_HERSHEY_SIMPLEX, 2.0, (0, 0, 0), 4)\n"
        "ocr = OcrEngine()\n"
        "boxes = ocr.detect(img, 200, 200)\n"
        "x0, y0, x1, y1 = (int(v) for v in boxes[0])\n"
        "print(ocr.recognize([img[max(0, y0 - 3) : y1 + 3, max(0, x0 - 3) : x1 + 3]])[0][0])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, cwd=ROOT, env=_env(), capture_output=True, text=True
    )
    assert "2023" in out.stdout


def test_the_ocr_process_answers_with_the_files_errors() -> None:
    """Errors cross the OCR process as what they are: a damaged image is corrupt, a blank scan
    needs OCR still; the service keeps working after either."""
    from parsers.formats.base import Services
    from parsers.formats.ocr_service import run_pages
    from schemas.errors import CorruptDocument

    options = ParseOptions()
    params = {"dpi": 200, "max_pages": 5}
    with Services() as services:
        with pytest.raises(CorruptDocument):
            run_pages("image", b"\x89PNG\r\n\x1a\n broken", params, options, services)
        buf = io.BytesIO()
        Image.new("L", (850, 1100), 255).save(buf, "PNG")
        ((content, unplaced, _),) = run_pages("image", buf.getvalue(), params, options, services)
        assert content.ocr_reason and not content.items and not unplaced


def _env() -> dict[str, str]:
    import os

    return {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}


def test_scan_builder_names_variants_after_their_source() -> None:
    made = [p for p in SCANNED if p.name not in golden.READ_BY_OCR]
    for document in made:
        source = SAMPLES / f"{document.name.split('.')[0]}.pdf"
        assert source.exists() and golden.golden_path(document).exists(), document.name
    assert len(made) == 6
    for name, stem in golden.READ_BY_OCR.items():  # the PDFs OCR reads for want of a text layer
        assert (SAMPLES / name).exists() and (SAMPLES / "expected" / f"{stem}.json").exists()
        assert not (SAMPLES / "expected" / name.replace(".pdf", ".json")).exists()

"""A corpus of distinct, realistic forms for benchmarks, built with the sample_docs kit.

A dozen template documents vary the money, the indicator values and the number of indicator
rows (seeded: the same arguments give the same files); every fifth holds two forms. The corpus
stamps a distinct project number into copies of them, so thousands of files take seconds, not the
half second python-docx needs per document.
"""

from __future__ import annotations

import io
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "sample_docs" / "build"))

from build import road_spec  # noqa: E402
from docxkit import Doc, replace_in_document  # noqa: E402
from layout import L1, L2, Fund, Ind, national_form  # noqa: E402

DASH = "—"


def _spec(rng: random.Random, n: int) -> object:
    budget = rng.randint(50, 5000)
    executed = round(budget * rng.uniform(0.7, 1.0), 2)
    rate = executed / budget
    score = round(10 * rate, 2)
    rows = rng.randint(6, 16)
    weights = [90 // rows] * rows
    weights[0] += 90 - sum(weights)
    inds = []
    for i, w in enumerate(weights):
        target = rng.randint(10, 500)
        actual = target if rng.random() < 0.8 else rng.randint(target // 2, target)
        got = w if actual >= target else round(w * actual / target, 2)
        inds.append(
            Ind(
                f"指标{i + 1}：服务事项{n}-{i}",
                f"≥{target}个",
                f"{actual}个",
                str(w),
                str(got),
                "无" if got == w else "进度滞后",
            )
        )
    third = max(1, rows // 3)
    levels = [
        L1(
            "产出指标",
            [L2("数量指标", inds[: rows - 2 * third]), L2("质量指标", inds[rows - 2 * third : rows - third])],
        ),
        L1("效益指标", [L2("社会效益指标", inds[rows - third : -1])]) if third > 1 else None,
        L1("满意度指标", [L2("服务对象满意度指标", inds[-1:])]),
    ]
    return road_spec(
        project_name=f"基准测试项目{n:05d}",
        funds=[
            Fund("年度资金总额", [str(budget), str(budget), str(executed), "10", f"{rate:.2%}", str(score)]),
            Fund("其中：当年财政拨款", [str(budget), str(budget), str(executed), DASH, f"{rate:.2%}", DASH]),
            Fund("上年结转资金", ["", "", "", DASH, "", DASH]),
            Fund("其他资金", ["", "", "", DASH, "", DASH]),
        ],
        levels=[lv for lv in levels if lv is not None],
        total=("100", str(round(score + sum(float(i.score) for i in inds), 2))),
    )


TEMPLATES = 12
TOKEN = "项目编号XXXXX"


def _templates(rng: random.Random) -> list[bytes]:
    """A dozen documents built the slow, real way (python-docx); every fifth holds two forms."""
    out = []
    for t in range(TEMPLATES):
        doc = Doc()
        for k in range(2 if t % 5 == 4 else 1):
            if k:
                doc.page_break()
            doc.para("项目支出绩效自评表", bold=True, size=16, center=True)
            doc.para("（2022年度）", center=True)
            spec = _spec(rng, t * 2 + k)
            spec.project_name = f"{TOKEN}-{k}"  # type: ignore[attr-defined]
            national_form(doc, spec)  # type: ignore[arg-type]
        buf = io.BytesIO()
        doc.d.save(buf)
        out.append(buf.getvalue())
    return out


def build_corpus(out: Path, n_docs: int, seed: int = 7) -> int:
    """Write ``n_docs`` distinct .docx files into ``out``; returns the number of forms in them."""
    rng = random.Random(seed)
    templates = _templates(rng)
    out.mkdir(parents=True, exist_ok=True)
    forms = 0
    for n in range(n_docs):
        t = n % TEMPLATES
        (out / f"form_{n:05d}.docx").write_bytes(replace_in_document(templates[t], TOKEN, f"基准测试项目{n:05d}"))
        forms += 2 if t % 5 == 4 else 1
    return forms


def build_pdf_corpus(out: Path, n_docs: int, seed: int = 7) -> tuple[int, int]:
    """``n_docs`` PDFs: the templates exported once by LibreOffice (``soffice`` must be on PATH),
    then copied with a distinct trailing comment (after ``%%EOF``, ignored by readers) so every
    file has its own sha256. Returns (forms, pages)."""
    import shutil
    import subprocess
    import tempfile

    import pdfplumber

    rng = random.Random(seed)
    templates = _templates(rng)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-pdf-") as tmp:
        src = Path(tmp)
        for t, data in enumerate(templates):
            (src / f"t{t:02d}.docx").write_bytes(data)
        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        if soffice is None:
            raise SystemExit("the PDF benchmark needs LibreOffice (soffice) to export its corpus")
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{src}/lo",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(src),
                *sorted(str(p) for p in src.glob("*.docx")),
            ],
            check=True,
            capture_output=True,
            timeout=600,
        )
        pdfs = [(src / f"t{t:02d}.pdf").read_bytes() for t in range(TEMPLATES)]
        pages_per = []
        for t in range(TEMPLATES):
            with pdfplumber.open(src / f"t{t:02d}.pdf") as pdf:
                pages_per.append(len(pdf.pages))
    forms = pages = 0
    for n in range(n_docs):
        t = n % TEMPLATES
        (out / f"form_{n:05d}.pdf").write_bytes(pdfs[t] + f"\n% jixiao bench copy {n:05d}\n".encode())
        forms += 2 if t % 5 == 4 else 1
        pages += pages_per[t]
    return forms, pages

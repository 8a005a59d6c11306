"""The PDF-only samples: what real PDF submissions do that a Word export does not.

Called by ``export_pdf.py`` after the Word samples are exported (several variants start from
those PDFs). Each variant is named after the quirk it exercises; provenance is in
sample_docs/README.md. Intermediate files (a landscape .docx, an .xlsx, page images) live in a
temporary folder and are not samples.

| sample | made from |
|---|---|
| pdf_spreadsheet_export | an .xlsx (openpyxl: merged cells, thin borders) printed by LibreOffice Calc |
| pdf_landscape_page | a landscape .docx printed by LibreOffice Writer |
| pdf_rotated_page | labels_repeated_not_merged.pdf with ``/Rotate 90`` on its page |
| pdf_scan_no_text | page 1 of seed_datong_2021.pdf rendered by pdftoppm, wrapped as an image-only PDF |
| pdf_fake_bold_duplicated_chars | clean_form_no_findings.pdf with every BT…ET block drawn twice |
| pdf_unmapped_glyphs_cid | fullwidth_digits_and_operators.pdf without its fonts' /ToUnicode maps |
| pdf_encrypted_password | rule_violations_indicators.pdf encrypted with a user password |
| pdf_malformed_truncated | the first 40 % of seed_datong_2021.pdf's bytes |
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pikepdf
from docx.shared import Cm
from PIL import Image

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from build import DASH, road_spec  # noqa: E402
from docxkit import Doc  # noqa: E402
from layout import L1, L2, FormSpec, Fund, Ind, national_form  # noqa: E402
from pdfkit import convert, fixed_id, normalise, save_reproducible  # noqa: E402
from sheetkit import SHEET_FONT_PT, place_form, print_setup, title_rows  # noqa: E402
from sheetkit import save_reproducible as sheet_save  # noqa: E402

#: The user password of pdf_encrypted_password.pdf (documented in sample_docs/README.md).
USER_PASSWORD = "jixiao2023"
OWNER_PASSWORD = "jixiao-owner"
#: The horizontal offset of the second copy of every text block in the fake-bold sample (pt).
FAKE_BOLD_OFFSET = Decimal("0.3")
#: Resolution of the fake scan (dots per inch).
SCAN_DPI = 100


# ------------------------------------------------------------------------------------------------
# Forms printed from other programs
# ------------------------------------------------------------------------------------------------
def spreadsheet_spec() -> FormSpec:
    """仪陇县 农村饮水 (2023): a consistent form, as a county water bureau keeps it in Excel."""
    return road_spec(
        project_name="农村饮水安全工程维修养护补助",
        department="仪陇县水利局",
        unit="仪陇县农村供水管理站",
        funds=[
            Fund("年度资金总额", ["230.00", "246.00", "239.80", "10", "97.48%", "9.75"]),
            Fund("其中：当年财政拨款", ["230.00", "230.00", "225.40", DASH, "98.00%", DASH]),
            Fund("上年结转资金", ["", "16.00", "14.40", DASH, "90.00%", DASH]),
            Fund("其他资金", ["", "", "", DASH, "", DASH]),
        ],
        goal=(
            "对全县45处以上农村集中供水工程进行维修养护，更换老化管网60公里，保障12万农村人口饮水安全。",
            "完成47处供水工程维修养护，更换老化管网62.5公里，集中供水水质达标率96.5%，受益人口12.6万人。",
        ),
        levels=[
            L1(
                "产出指标",
                [
                    L2(
                        "数量指标",
                        [
                            Ind("维修养护供水工程处数", "≥45处", "47处", "10", "10"),
                            Ind("更换老化管网长度", "≥60公里", "62.5公里", "5", "5"),
                        ],
                    ),
                    L2("质量指标", [Ind("农村集中供水水质达标率", "≥95%", "96.5%", "10", "10")]),
                    L2("时效指标", [Ind("维修养护任务完成时间", "2023年11月30日前", "按期完成", "10", "10")]),
                    L2("成本指标", [Ind("单处工程维修补助标准", "≤5.5万元", "5.1万元", "15", "15")]),
                ],
            ),
            L1(
                "效益指标",
                [
                    L2(
                        "社会效益指标",
                        [
                            Ind("受益农村人口", "≥12万人", "12.6万人", "10", "10"),
                            Ind(
                                "农村自来水普及率",
                                "≥92%",
                                "91%",
                                "10",
                                "9.89",
                                "部分偏远农户分散居住，管网延伸成本高",
                            ),
                        ],
                    ),
                    L2("可持续影响指标", [Ind("工程长效运行管护机制", "健全", "达成年度指标", "10", "10")]),
                ],
            ),
            L1(
                "满意度指标",
                [L2("服务对象满意度指标", [Ind("受益群众满意度", "≥90%", "94%", "10", "10")])],
            ),
        ],
        total=("100", "99.64"),
    )


def write_spreadsheet(path: Path, spec: FormSpec, year: str) -> None:
    """The national form as a worksheet (``sheetkit.place_form``), titled in two merged rows; the
    print area fitted to one page width (A4 portrait)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "项目支出绩效自评表"
    top = title_rows(ws, 1, 1, [("项目支出绩效自评表", 16, True), (f"（{year}年度）", SHEET_FONT_PT, False)])
    placed = place_form(ws, spec, top)
    print_setup(ws, f"A1:I{placed.last_row}")
    sheet_save(wb, path)


def pdf_spreadsheet_export(out_dir: Path, tmp: Path) -> Path:
    xlsx = tmp / "pdf_spreadsheet_export.xlsx"
    write_spreadsheet(xlsx, spreadsheet_spec(), "2023")
    (pdf,) = convert([xlsx], tmp)
    return normalise(pdf, out_dir / "pdf_spreadsheet_export.pdf")


def landscape_spec() -> FormSpec:
    """通川区图书馆 (2022): a library's free-opening subsidy; the 可持续 row's score lies above the
    band its 完成值 (部分达成…) allows."""
    return road_spec(
        project_name="公共文化场馆免费开放补助资金",
        department="达州市通川区文化广播电视和旅游局",
        unit="达州市通川区图书馆",
        funds=[
            Fund("年度资金总额", ["85", "85", "80.75", "10", "95%", "9.5"]),
            Fund("其中：当年财政拨款", ["85", "85", "80.75", DASH, "95%", DASH]),
            Fund("上年结转资金", ["", "", "", DASH, "", DASH]),
            Fund("其他资金", ["", "", "", DASH, "", DASH]),
        ],
        goal=(
            "保障图书馆全年免费开放，开展阅读推广活动不少于60场，接待读者不少于25万人次。",
            "全年免费开放306天，开展阅读推广活动68场，接待读者27.3万人次。",
        ),
        levels=[
            L1(
                "产出指标",
                [
                    L2(
                        "数量指标",
                        [
                            Ind("指标1：免费开放天数", "≥300天", "306天", "10", "10", "无"),
                            Ind("指标2：阅读推广活动场次", "≥60场", "68场", "10", "10", "无"),
                        ],
                    ),
                    L2("质量指标", [Ind("指标1：图书外借量", "≥15万册次", "16.2万册次", "10", "10", "无")]),
                    L2("时效指标", [Ind("指标1：补助资金到位及时率", "100%", "100%", "10", "10", "无")]),
                    L2(
                        "成本指标", [Ind("指标1：免费开放补助标准", "≤85万元", "80.75万元", "10", "10", "无")]
                    ),
                ],
            ),
            L1(
                "效益指标",
                [
                    L2(
                        "社会效益指标",
                        [Ind("指标1：年接待读者人次", "≥25万人次", "27.3万人次", "15", "15", "无")],
                    ),
                    L2(
                        "可持续影响指标",
                        [
                            Ind(
                                "指标1：公共文化服务体系",
                                "持续完善",
                                "部分达成年度指标并具有一定效果",
                                "15",
                                "13",
                                "数字资源建设滞后，下年度增加数字阅读平台投入",
                            )
                        ],
                    ),
                ],
            ),
            L1(
                "满意度指标",
                [L2("服务对象满意度指标", [Ind("指标1：读者满意度", "≥90%", "95%", "10", "10", "无")])],
            ),
        ],
        total=("100", "97.5"),
    )


def pdf_landscape_page(out_dir: Path, tmp: Path) -> Path:
    doc = Doc(landscape=True)
    section = doc.d.sections[0]
    section.top_margin = section.bottom_margin = Cm(1.5)  # the whole form on one landscape page
    doc.para("附件3")
    doc.para("项目支出绩效自评表", bold=True, size=16, center=True)
    doc.para("（2022年度）", center=True)
    national_form(doc, landscape_spec())
    docx = tmp / "pdf_landscape_page.docx"
    doc.save(docx)
    (pdf,) = convert([docx], tmp)
    return normalise(pdf, out_dir / "pdf_landscape_page.pdf")


# ------------------------------------------------------------------------------------------------
# Exported PDFs changed afterwards
# ------------------------------------------------------------------------------------------------
def _source(out_dir: Path, stem: str) -> Path:
    path = out_dir / f"{stem}.pdf"
    if not path.exists():
        raise SystemExit(f"{path.name} is missing: export the Word samples first (make pdfs)")
    return path


def pdf_rotated_page(out_dir: Path, tmp: Path) -> Path:
    """Content drawn portrait, page displayed landscape: ``/Rotate 90`` (a scanner/printer driver's
    or a viewer's "rotate and save")."""
    dst = out_dir / "pdf_rotated_page.pdf"
    with pikepdf.open(_source(out_dir, "labels_repeated_not_merged")) as pdf:
        for page in pdf.pages:
            page.obj.Rotate = 90
        save_reproducible(pdf, dst)
    return dst


def pdf_scan_no_text(out_dir: Path, tmp: Path) -> Path:
    """An image-only PDF: page 1 of seed_datong_2021.pdf rendered to a grey image (no text layer)."""
    src = _source(out_dir, "seed_datong_2021")
    prefix = tmp / "scan"
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        raise SystemExit("pdftoppm (poppler-utils) is needed for the scan sample")
    cmd = [
        pdftoppm,
        "-png",
        "-gray",
        "-r",
        str(SCAN_DPI),
        "-f",
        "1",
        "-l",
        "1",
        "-singlefile",
        str(src),
        str(prefix),
    ]
    subprocess.run(cmd, check=True, capture_output=True)
    raw = tmp / "pdf_scan_no_text.raw.pdf"
    with Image.open(prefix.with_suffix(".png")) as im:
        im.convert("L").save(raw, "PDF", resolution=float(SCAN_DPI), quality=60)
    dst = out_dir / "pdf_scan_no_text.pdf"
    with pikepdf.open(raw) as pdf:
        if "/Title" in pdf.docinfo:  # Pillow titles the PDF after the temporary file
            del pdf.docinfo["/Title"]
        save_reproducible(pdf, dst)
    return dst


def _doubled(instructions: list[pikepdf.ContentStreamInstruction]) -> list[object]:
    """Every BT…ET block followed by a copy of itself shifted right by FAKE_BOLD_OFFSET."""
    out: list[object] = []
    block: list[pikepdf.ContentStreamInstruction] | None = None
    for ins in instructions:
        op = str(ins.operator)
        if op == "BT":
            block = [ins]
            continue
        if block is None:
            out.append(ins)
            continue
        block.append(ins)
        if op != "ET":
            continue
        # LibreOffice sets the font inside each block before showing text, so the copy starts
        # from the same text state as the original.
        ops = [str(i.operator) for i in block]
        shows = [k for k, o in enumerate(ops) if o in ("Tj", "TJ", "'", '"')]
        assert not shows or "Tf" in ops[: shows[0]], "a text block relies on a font set before it"
        out.extend(block)
        out.append(pikepdf.ContentStreamInstruction([], pikepdf.Operator("q")))
        out.append(
            pikepdf.ContentStreamInstruction([1, 0, 0, 1, FAKE_BOLD_OFFSET, 0], pikepdf.Operator("cm"))
        )
        out.extend(block)
        out.append(pikepdf.ContentStreamInstruction([], pikepdf.Operator("Q")))
        block = None
    assert block is None, "unterminated text block"
    return out


def pdf_fake_bold_duplicated_chars(out_dir: Path, tmp: Path) -> Path:
    """Every text block drawn twice, 0.3 pt apart, as WPS and "fake bold" printer drivers do."""
    dst = out_dir / "pdf_fake_bold_duplicated_chars.pdf"
    with pikepdf.open(_source(out_dir, "clean_form_no_findings")) as pdf:
        for page in pdf.pages:
            doubled = _doubled(list(pikepdf.parse_content_stream(page)))
            page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(doubled))
        save_reproducible(pdf, dst)
    return dst


def pdf_unmapped_glyphs_cid(out_dir: Path, tmp: Path) -> Path:
    """Fonts without /ToUnicode: the glyphs are there, their characters are not (``(cid:N)``)."""
    dst = out_dir / "pdf_unmapped_glyphs_cid.pdf"
    with pikepdf.open(_source(out_dir, "fullwidth_digits_and_operators")) as pdf:
        for obj in pdf.objects:
            is_font = isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == pikepdf.Name.Font
            if is_font and "/ToUnicode" in obj:
                del obj.ToUnicode
        save_reproducible(pdf, dst)
    return dst


def pdf_encrypted_password(out_dir: Path, tmp: Path) -> Path:
    """A form PDF that opens only with a user password.

    RC4-128 (R 4) rather than AES: AES salts and IVs are random, so the bytes would change on
    every export; RC4 keys depend only on the passwords, the permissions and the fixed /ID.
    """
    dst = out_dir / "pdf_encrypted_password.pdf"
    with pikepdf.open(_source(out_dir, "rule_violations_indicators")) as pdf:
        encryption = pikepdf.Encryption(
            user=USER_PASSWORD, owner=OWNER_PASSWORD, R=4, aes=False, metadata=False
        )
        save_reproducible(pdf, dst, encryption=encryption)
    with pikepdf.open(dst, password=USER_PASSWORD) as check:
        assert check.is_encrypted and bytes(check.trailer.ID[0]) == fixed_id(dst.name)
    return dst


def pdf_malformed_truncated(out_dir: Path, tmp: Path) -> Path:
    """An upload cut off part-way: the first 40 % of a form PDF (no xref, no trailer, no fonts)."""
    full = _source(out_dir, "seed_datong_2021").read_bytes()
    dst = out_dir / "pdf_malformed_truncated.pdf"
    dst.write_bytes(full[: len(full) * 4 // 10])
    return dst


VARIANTS: dict[str, Callable[[Path, Path], Path]] = {
    "pdf_spreadsheet_export": pdf_spreadsheet_export,
    "pdf_landscape_page": pdf_landscape_page,
    "pdf_rotated_page": pdf_rotated_page,
    "pdf_scan_no_text": pdf_scan_no_text,
    "pdf_fake_bold_duplicated_chars": pdf_fake_bold_duplicated_chars,
    "pdf_unmapped_glyphs_cid": pdf_unmapped_glyphs_cid,
    "pdf_encrypted_password": pdf_encrypted_password,
    "pdf_malformed_truncated": pdf_malformed_truncated,
}


def build(out_dir: Path, names: list[str] | None = None) -> list[Path]:
    written = []
    with tempfile.TemporaryDirectory(prefix="jixiao-variants-") as tmp:
        for name, make in VARIANTS.items():
            if names and name not in names:
                continue
            written.append(make(out_dir, Path(tmp)))
    return written


if __name__ == "__main__":
    for path in build(HERE.parent, sys.argv[1:] or None):
        print(path.relative_to(HERE.parent.parent))

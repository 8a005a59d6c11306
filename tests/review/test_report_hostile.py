"""The HTML report with hostile cell text (script tags, event handlers, ``javascript:`` URLs,
markup that closes the table): it shows as text and runs nothing, with and without the CSP."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    expect,
)

from pipeline.batch.executors import InProcess
from pipeline.batch.jobs import Settings
from pipeline.batch.run import ingest
from pipeline.dataset.query import connect
from pipeline.dataset.writer import Dataset
from pipeline.review.report import TITLE, Options, write_report
from schemas.profiles import NATIONAL
from tests.review.browser import audit_markup, opened, visible_rows
from tests.wordml import FUNDS_HEADER, FUNDS_ROWS, INDICATOR_HEADER, docx, p, table_rows

# ------------------------------------------------------------------------------ hostile input

SCRIPT = "<script>document.title='pwned'</script>"
IMG = "<img src=x onerror=\"document.title='pwned';alert(1)\">"
JS_URL = "javascript:alert(1)"
BREAKOUT = "</td></table><b id=pwned>x</b>"
SVG = "<svg onload=alert(1)>"
STYLE = "<style>body{display:none}</style>"
ATTR = '" onmouseover="alert(1)" x="'
COMMENT = "--><script>alert(1)</script><!--"
PAYLOADS = (SCRIPT, IMG, JS_URL, BREAKOUT, SVG, STYLE, ATTR, COMMENT)


def hostile_docx() -> bytes:
    rows = [
        ["项目名称", SCRIPT + "城市更新项目"],
        ["主管部门", IMG, "实施单位", JS_URL],
        FUNDS_HEADER,
        *FUNDS_ROWS,
        ["年度总体目标", "预期目标", "实际完成情况"],
        ["", BREAKOUT, JS_URL],
        INDICATOR_HEADER,
        ["产出指标", "数量指标", BREAKOUT, "≥10个", "10个", "25", "20", "无"],  # findings quote the name
        ["", "质量指标", SVG, "100%", "100%", "25", "25", ATTR],
        ["效益指标", "社会效益指标", STYLE, "显著", JS_URL, "30", "30", COMMENT],
        ["满意度指标", "满意度指标", "群众满意度", "≥90%", "95%", "10", "10", ""],
        ["总分", "", "", "", "", "100", "94.5", ""],
    ]
    return docx(p("项目支出绩效自评表") + p("（2022年度）") + table_rows(rows))


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    tmp = tmp_path_factory.mktemp("hostile")
    (tmp / "hostile.docx").write_bytes(hostile_docx())
    ds = Dataset(tmp / "ds")
    ingest([str(tmp / "hostile.docx")], ds, Settings(profile=NATIONAL), InProcess())
    con = connect(ds.root)
    texts = [t for (t,) in con.execute("SELECT text FROM cells").fetchall()]
    for payload in PAYLOADS:  # the payloads reached the dataset intact: the test means something
        assert any(payload in t for t in texts), payload
    (form_id,) = con.execute("SELECT form_id FROM forms").fetchall()[0]
    assert (
        con.execute("SELECT count(*) FROM findings WHERE message LIKE '%<b id=pwned>%'").fetchall()[0][0] > 0
    )
    out = tmp / "report.html"
    write_report(ds.root, out)
    return out, str(form_id)


def test_hostile_text_is_escaped_in_the_markup(hostile_report: tuple[Path, str]) -> None:
    text = hostile_report[0].read_text(encoding="utf-8")
    audit_markup(text)
    for payload in PAYLOADS:
        if payload != JS_URL:  # plain text, harmless anywhere but in a URL (and no URL holds data)
            assert payload not in text, payload
    assert "&lt;script&gt;document.title=&#x27;pwned&#x27;&lt;/script&gt;" in text


@pytest.mark.parametrize("csp", [True, False], ids=["with-csp", "escaping-alone"])
def test_hostile_text_shows_as_text_and_runs_nothing(
    browser: Browser, hostile_report: tuple[Path, str], tmp_path: Path, csp: bool
) -> None:
    path, form_id = hostile_report
    if not csp:  # escaping must be enough on its own: the CSP is the second line of defence
        html_text = path.read_text(encoding="utf-8")
        stripped = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html_text)
        assert stripped != html_text
        path = tmp_path / "no-csp.html"
        path.write_text(stripped, encoding="utf-8")
    with opened(browser, path) as w:
        page = w.page
        assert page.locator("body").is_visible() and page.locator("#overview").is_visible()
        row = visible_rows(page)
        assert row.count() == 1
        assert SCRIPT + "城市更新项目" in row.inner_text() and IMG in row.inner_text()
        page.locator(f'#form-rows a[href="#form-{form_id}"]').click()
        section = page.locator(f"#form-{form_id}")
        expect(section).to_be_visible()
        shown = section.inner_text()
        for payload in PAYLOADS:
            assert payload in shown, payload
        located = 0
        for button in section.locator("button.fd").all():
            button.click()
            if button.get_attribute("data-k"):  # a finding with cells on paper: they light up
                assert section.locator("td.focus").count() > 0
                located += 1
        assert located > 0
        for cell in section.locator("table.paper td.hl").all():
            cell.hover()
        section.locator("a", has_text="返回表单列表").click()
        page.select_option("#rule", "DEVIATION_MISSING")
        page.fill("#q", "<script>")
        assert page.locator("#shown").inner_text() == "1"
        assert page.title() == TITLE
        assert page.locator("#pwned, img, iframe, object, embed").count() == 0
        assert page.locator("script").count() == 2  # our script, and the list's data (not executed)
        assert page.locator("script:not([type='application/json'])").count() == 1
        assert page.locator("a[href^='javascript']").count() == 0
        w.assert_clean()


def test_hostile_text_in_a_multi_file_report(browser: Browser, hostile_report: tuple[Path, str]) -> None:
    """The list's records as a ``.js`` data file: JSON with ``<``, ``>``, ``&`` escaped, set as
    text by the script; a department of hostile text filters as text."""
    path, form_id = hostile_report
    out = path.parent / "multi" / "index.html"
    out.parent.mkdir()
    write_report(path.parent / "ds", out, Options(single_file_max=0))
    (data,) = (out.parent / "index_files").glob("list-*.js")
    text = data.read_text(encoding="utf-8")
    assert "<" not in text and ">" not in text and "\\u003cscript\\u003e" in text
    audit_markup(out.read_text(encoding="utf-8"), own_files=True)
    with opened(browser, out) as w:
        page = w.page
        row = visible_rows(page)
        assert row.count() == 1 and SCRIPT + "城市更新项目" in row.inner_text() and IMG in row.inner_text()
        page.select_option("#dept", IMG)
        assert visible_rows(page).count() == 1
        row.locator("a").click()
        page.wait_for_load_state("load")
        section = page.locator(f"#form-{form_id}")
        expect(section).to_be_visible()
        for payload in PAYLOADS:
            assert payload in section.inner_text(), payload
        assert page.title() == TITLE and page.locator("#pwned, img, iframe").count() == 0
        assert w.errors == [] and w.dialogs == []

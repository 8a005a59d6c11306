"""The HTML report (``pipeline.review.report``): one self-contained file, checked as markup and in a real
headless Chromium (Debian's ``/usr/bin/chromium`` driven by Playwright; never a downloaded one).

* the markup: only our own tags and ``#`` links, no event handlers, no ``style``/``src``
  attributes, one script and one style sheet whose sha256 the Content-Security-Policy names;
* the sample dataset in the browser: overview, charts and form list visible; filter by rule and
  text; sort; the seed form's page with its findings and the right cells highlighted; a
  screenshot that is a real image; no page or console errors, no network requests;
* hostile cell text: ``test_report_hostile.py``.
"""

from __future__ import annotations

import io
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import cast

import pytest
from PIL import Image
from playwright.sync_api import (
    Browser,
    Playwright,
    expect,
)

from pipeline.batch.executors import InProcess
from pipeline.batch.jobs import Settings
from pipeline.batch.run import ingest
from pipeline.dataset.query import connect
from pipeline.dataset.writer import Dataset
from pipeline.review.report import TITLE, write_report
from pipeline.review.report.html import RATE_BINS, SCORE_BINS, rate_bin, score_bin
from schemas.profiles import NATIONAL
from tests.review.browser import (
    audit_markup,
    colours,
    focused_cells,
    launch_chromium,
    opened,
    sort_values,
    visible_rows,
)

SEED = "sample_docs/seed_datong_2021.docx"
MAX_BYTES = 2 * 1024 * 1024  # issue 13: with the page crops, under 2 MB

# ------------------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def sample_report(
    sample_dataset: Dataset, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, dict[str, int]]:
    out = tmp_path_factory.mktemp("report") / "report.html"
    return out, write_report(sample_dataset.root, out)


# ------------------------------------------------------------------------------ without a browser


def test_report_counts_size_and_determinism(
    sample_dataset: Dataset, sample_report: tuple[Path, dict[str, int]], tmp_path: Path
) -> None:
    path, stats = sample_report
    con = connect(sample_dataset.root)
    (n_forms,) = con.execute("SELECT count(*) FROM forms").fetchall()[0]
    (n_findings,) = con.execute("SELECT count(*) FROM findings").fetchall()[0]
    size = path.stat().st_size
    assert stats == {
        "forms": n_forms,
        "findings": n_findings,
        "bytes": size,
        "files": 1,
        "crops": stats["crops"],
        "largest_file": size,
    }
    assert n_forms >= 40 and stats["bytes"] < MAX_BYTES
    assert stats["crops"] >= 20  # the PDF findings of the sample (one per finding and page)
    again = tmp_path / "again.html"
    write_report(sample_dataset.root, again)
    assert again.read_bytes() == path.read_bytes()  # the same dataset gives the same bytes
    assert [p.name for p in tmp_path.iterdir()] == ["again.html"]  # no temporary file left behind


def test_report_markup_has_nothing_but_our_own(sample_report: tuple[Path, dict[str, int]]) -> None:
    text = sample_report[0].read_text(encoding="utf-8")
    m = audit_markup(text)
    pages = [a for t, a in m.tags if t == "section" and "form-page" in (a.get("class") or "")]
    assert len(pages) == sample_report[1]["forms"]
    # the cells are drawn once; the list's data is one record per form, no copy of the dataset
    assert "<template" not in text and len(m.data) == 1
    data = json.loads(m.data[0])
    assert len(data["rows"]) == sample_report[1]["forms"] and len(data["fields"]) == 13
    assert len(m.data[0]) < 40_000


def test_report_of_a_dataset_without_forms(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("不是自评表", encoding="utf-8")
    ds = Dataset(tmp_path / "ds")
    ingest([str(tmp_path / "notes.txt")], ds, Settings(profile=NATIONAL), InProcess())
    out = tmp_path / "report.html"
    stats = write_report(ds.root, out)
    assert (stats["forms"], stats["findings"], stats["bytes"]) == (0, 0, out.stat().st_size)
    text = out.read_text(encoding="utf-8")
    audit_markup(text)
    assert "notes.txt" in text and "已跳过" in text


def test_bins() -> None:
    assert [
        SCORE_BINS[score_bin(Decimal(v))] for v in ("0", "59.99", "60", "89.9", "90", "100", "100.01")
    ] == [
        "<60",
        "<60",
        "60–70",
        "80–90",
        "90–100",
        "90–100",
        ">100",
    ]
    assert [RATE_BINS[rate_bin(Decimal(v))] for v in ("-0.1", "0", "0.0999", "0.94", "1", "1.0001")] == [
        "0–10",
        "0–10",
        "0–10",
        "90–100",
        "90–100",
        ">100",
    ]


def test_missing_chromium_fails_with_instructions() -> None:
    with pytest.raises(pytest.fail.Exception, match=r"apt-get install chromium"):
        launch_chromium(cast(Playwright, None), Path("/nonexistent/chromium"))


# ------------------------------------------------------------------------------ in Chromium


def test_overview_charts_and_list_in_chromium(
    browser: Browser, sample_dataset: Dataset, sample_report: tuple[Path, dict[str, int]]
) -> None:
    path, stats = sample_report
    con = connect(sample_dataset.root)
    status = dict(con.execute("SELECT status, count(*) FROM sources GROUP BY ALL").fetchall())
    scores = [s for (s,) in con.execute("SELECT total_score_reported FROM forms").fetchall()]
    rates = [r for (r,) in con.execute("SELECT exec_rate_computed FROM forms").fetchall()]
    with opened(browser, path) as w:
        page = w.page
        assert page.title() == TITLE
        for sel in ("#overview", "#by-status", "#by-rule", "#by-dept", "#forms", "#form-table"):
            assert page.locator(sel).is_visible(), sel
        assert page.locator("#overview h2").inner_text() == "总览"
        by_status = page.locator("#by-status tbody tr").evaluate_all(
            "rows => rows.map(r => [r.cells[1].textContent, r.cells[2].textContent])"
        )
        assert {k: int(v) for k, v in by_status if int(v)} == status
        assert page.locator("#by-status").inner_text().count("读取失败") == 1
        # the charts: two inline SVGs, one bar per bin, each titled with its count
        charts = page.locator("svg.chart")
        assert charts.count() == 2
        for i in range(2):
            box = charts.nth(i).bounding_box()
            assert (
                charts.nth(i).is_visible() and box is not None and box["width"] > 300 and box["height"] > 150
            )
        want_scores = [0] * len(SCORE_BINS)
        for s in scores:
            if s is not None:
                want_scores[score_bin(s)] += 1
        want_rates = [0] * len(RATE_BINS)
        for r in rates:
            if r is not None:
                want_rates[rate_bin(r)] += 1
        for chart, labels, want in (
            ("#chart-score", SCORE_BINS, want_scores),
            ("#chart-rate", RATE_BINS, want_rates),
        ):
            titles = page.locator(f"{chart} rect.bar").evaluate_all("rs => rs.map(r => r.textContent)")
            assert titles == [f"{label}：{n}" for label, n in zip(labels, want, strict=True)]
            heights = page.locator(f"{chart} rect.bar").evaluate_all("rs => rs.map(r => r.getBBox().height)")
            assert [h > 0 for h in heights] == [n > 0 for n in want]
        # the list: every form, nothing filtered yet
        assert visible_rows(page).count() == stats["forms"]
        assert page.locator("#shown").inner_text() == str(stats["forms"])
        assert page.locator(".form-page:visible").count() == 0
        png = page.screenshot(full_page=True)
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        image = Image.open(io.BytesIO(png))
        assert image.width >= 1200 and image.height > 1500
        seen = colours(png)
        assert len(seen) > 50  # text, charts, tables: not a blank page
        assert (0x3A, 0x78, 0xC9) in seen  # the chart bars were painted
        assert page.title() == TITLE and page.locator("#pwned").count() == 0
        w.assert_clean()


def test_filter_and_sort_in_chromium(
    browser: Browser, sample_dataset: Dataset, sample_report: tuple[Path, dict[str, int]]
) -> None:
    path, stats = sample_report
    con = connect(sample_dataset.root)

    def forms_with(rule: str) -> int:
        return int(
            con.execute("SELECT count(DISTINCT form_id) FROM findings WHERE rule_id = ?", [rule]).fetchall()[
                0
            ][0]
        )

    with opened(browser, path) as w:
        page = w.page
        page.select_option("#rule", "EXEC_RATE")
        n = forms_with("EXEC_RATE")  # the seed form in each format it exists in
        assert n >= 2 and visible_rows(page).count() == n
        assert page.locator("#shown").inner_text() == str(n)
        for row in visible_rows(page).all():
            assert "EXEC_RATE" in (row.get_attribute("data-rules") or "").split()
        page.fill("#q", "seed_datong_2021.pdf")  # (not its scan, seed_datong_2021.scan.pdf)
        assert visible_rows(page).count() == 1
        assert "seed_datong_2021.pdf" in visible_rows(page).inner_text()
        page.select_option("#rule", "")
        page.fill("#q", "大同市住房")  # the seed form's department: the seed in every format
        seed_forms = int(
            con.execute("SELECT count(*) FROM forms WHERE department LIKE '%大同市住房%'").fetchall()[0][0]
        )
        assert seed_forms >= 2 and visible_rows(page).count() == seed_forms
        page.fill("#q", "")
        assert visible_rows(page).count() == stats["forms"]
        # a rule in the overview filters the list
        page.click('#by-rule a[data-rule="TOTAL_SCORE"]')
        assert page.locator("#rule").input_value() == "TOTAL_SCORE"
        assert visible_rows(page).count() == forms_with("TOTAL_SCORE") > 0
        page.select_option("#rule", "")

        # sort by 总分 (column 4): ascending, then descending; forms without a total stay last
        header = page.locator("#form-table th", has_text="总分")
        header.click()
        assert header.get_attribute("aria-sort") == "ascending"
        values = sort_values(page, 4)
        filled = [Decimal(v) for v in values if v]
        assert filled == sorted(filled) and values[len(filled) :] == [""] * (len(values) - len(filled))
        header.click()
        assert header.get_attribute("aria-sort") == "descending"
        values = sort_values(page, 4)
        filled = [Decimal(v) for v in values if v]
        assert filled == sorted(filled, reverse=True) and all(v == "" for v in values[len(filled) :])
        assert len(filled) < len(values)  # the sample has forms without a printed 总分
        # by errors, descending: the seed form family leads
        errors = page.locator("#form-table th", has_text="错误")
        errors.click()
        errors.click()
        counts = [int(v) for v in sort_values(page, 6)]
        assert counts == sorted(counts, reverse=True) and counts[0] > 0
        # by project name: rows reordered, text column sorted the way Chinese readers expect
        page.locator("#form-table th", has_text="项目名称").click()
        names: list[str] = page.eval_on_selector_all(
            "#form-rows tr", "rows => rows.map(r => r.cells[0].textContent)"
        )
        resorted: list[str] = page.evaluate(
            "names => names.slice().sort((a, b) => a.localeCompare(b, 'zh-CN'))", names
        )
        assert names == resorted
        w.assert_clean()


def test_seed_form_page_highlights_the_cells_behind_its_findings(
    browser: Browser, sample_dataset: Dataset, sample_report: tuple[Path, dict[str, int]]
) -> None:
    path, _ = sample_report
    con = connect(sample_dataset.root)
    (form_id,) = con.execute("SELECT form_id FROM forms WHERE source_path = ?", [SEED]).fetchall()[0]
    findings = (
        con.sql(f"SELECT rule_id, message, provenance FROM findings WHERE form_id = '{form_id}'")
        .to_arrow_table()
        .to_pylist()
    )
    behind = {f"{p['table']}-{p['row']}-{p['col']}" for f in findings for p in f["provenance"]}
    with opened(browser, path) as w:
        page = w.page
        page.click(f'#form-rows a[href="#form-{form_id}"]')
        section = page.locator(f"#form-{form_id}")
        expect(section).to_be_visible()
        expect(page.locator("#overview")).to_be_hidden()
        expect(page.locator("#forms")).to_be_hidden()
        assert page.locator(".form-page:visible").count() == 1
        assert section.locator("h2").inner_text() == "大同市建设工程事务中心经费"
        text = section.inner_text()
        assert "大同市住房和城乡建设局" in text and "保障全市建设工程质量和安全工作" in text  # header, goals
        buttons = section.locator("button.fd")
        assert buttons.count() == len(findings) == 10  # 9 of its own + DUPLICATE_FORM (the .doc sorts first)
        for f in findings:
            assert f["message"] in text
        # every cell behind a finding is marked, and only those
        marked = set(section.locator("td.hl").evaluate_all("tds => tds.map(td => td.getAttribute('data-k'))"))
        assert marked == behind
        # the form as on paper: the merged label spans the five funds rows
        label = section.locator("table.paper td", has_text="项目资金（万元）")
        assert label.get_attribute("rowspan") == "5"
        assert section.locator("table.paper tr").count() == 44  # grid rows 0…43, shown as 1…44

        buttons.filter(has_text="【EXEC_RATE】").click()
        focused = focused_cells(section)
        assert focused == {"0-4-4": "949.78", "0-4-5": "949.78", "0-4-7": "94%"}  # 其中：当年财政拨款
        # named as printed: the row's label and the column labels, not grid numbers
        assert (
            "对应单元格：「其中：当年财政拨款」一行的「全年预算数」、「全年执行数」、「执行率」"
            in buttons.filter(has_text="【EXEC_RATE】").inner_text()
        )
        rate = section.locator('td[data-k="0-4-7"]')
        assert rate.is_visible() and "focus" in (rate.get_attribute("class") or "")
        header = section.locator("table.paper tr").nth(2).locator("td").nth(6)
        assert header.inner_text() == "执行率"
        hbox, rbox = header.bounding_box(), rate.bounding_box()
        assert hbox is not None and rbox is not None and abs(hbox["x"] - rbox["x"]) < 1  # same column

        buttons.filter(has_text="【DEVIATION_MISSING】").click()
        assert focused_cells(section) == {"0-28-6": "10", "0-28-7": "8", "0-28-8": "无偏差"}
        score_cell = section.locator('td[data-k="0-28-7"]')
        assert score_cell.inner_text() == "8"
        row = section.locator("table.paper tr").filter(has=page.locator('td[data-k="0-28-7"]'))
        assert "扬尘治理六个100%" in row.inner_text()  # the 生态效益 indicator's row
        assert buttons.filter(has_text="【DEVIATION_MISSING】").get_attribute("aria-pressed") == "true"
        assert section.locator("button.fd.focus").count() == 1

        buttons.filter(has_text="【TOTAL_SCORE】").click()
        assert focused_cells(section) == {"0-37-7": "95"}  # 总分 row, 得分 column

        level1 = buttons.filter(has_text="产出指标分值合计55")
        level1.click()
        assert focused_cells(section) == {}  # a form-level finding: nothing to point at
        assert "无对应单元格" in level1.inner_text()

        # clicking a marked cell shows the findings about it
        section.locator('td[data-k="0-3-4"]').click()
        pressed = section.locator("button.fd.focus").all_inner_texts()
        assert sorted(re.findall(r"【(\w+)】", " ".join(pressed))) == ["EXEC_SCORE", "FUNDS_SUM"]
        png = page.screenshot()
        seen = colours(png)
        assert len(seen) > 50 and (0xCF, 0xE3, 0xFF) in seen  # the focused cell is painted

        section.locator("a", has_text="返回表单列表").click()
        expect(page.locator("#forms")).to_be_visible()
        expect(section).to_be_hidden()
        assert page.title() == TITLE
        w.assert_clean()


def test_unread_files_are_listed(browser: Browser, sample_report: tuple[Path, dict[str, int]]) -> None:
    with opened(browser, sample_report[0]) as w:
        page = w.page
        page.click("header a[href='#files']")
        failed = page.locator("#failed-files")
        assert failed.is_visible()
        text = failed.inner_text()
        assert "sample_docs/broken_truncated_upload.docx" in text and "文件损坏" in text
        assert "pdf_encrypted_password.pdf" in text and "有密码保护" in text
        assert page.locator("#skipped-files").is_hidden()  # folded away until asked for
        page.click("#files summary >> nth=0")
        expect(page.locator("#skipped-files")).to_be_visible()
        assert "sample_docs/README.md" in page.locator("#skipped-files").inner_text()
        w.assert_clean()


def test_worst_first_and_filters_in_chromium(
    browser: Browser, sample_dataset: Dataset, sample_report: tuple[Path, dict[str, int]]
) -> None:
    path, stats = sample_report
    con = connect(sample_dataset.root)
    per_form = dict(
        (fid, (e, w))
        for fid, e, w in con.execute(
            "SELECT form_id, count(*) FILTER (WHERE severity = 'error'), count(*) FILTER (WHERE severity <> 'error') "
            "FROM findings GROUP BY 1"
        ).fetchall()
    )
    review = {fid for (fid,) in con.execute("SELECT form_id FROM forms WHERE needs_review").fetchall()}
    with opened(browser, path) as w:
        page = w.page
        hrefs: list[str] = page.eval_on_selector_all(
            "#form-rows tr a", "as => as.map(a => a.getAttribute('href'))"
        )
        ids = [h.removeprefix("#form-") for h in hrefs]
        assert len(ids) == stats["forms"]

        def tier(fid: str) -> int:
            e, wn = per_form.get(fid, (0, 0))
            return 0 if e else 1 if fid in review else 2 if wn else 3

        # worst first: errors (most first), then needs_review, then warnings, then clean forms
        keys = [(tier(f), -per_form.get(f, (0, 0))[0], -per_form.get(f, (0, 0))[1]) for f in ids]
        assert keys == sorted(keys) and keys[0][0] == 0 and keys[-1][0] == 3
        assert {f for f in ids if tier(f) == 1} == review - {f for f in review if per_form.get(f, (0, 0))[0]}

        page.check("#only-errors")
        with_errors = sum(1 for e, _ in per_form.values() if e)
        assert visible_rows(page).count() == with_errors > 0
        assert all(int(v) > 0 for v in sort_values(page, 6))
        page.uncheck("#only-errors")
        page.check("#only-review")
        assert visible_rows(page).count() == len(review) > 0
        assert visible_rows(page).first.locator(".review").inner_text() == "需复核"
        page.uncheck("#only-review")

        dept = "大同市住房和城乡建设局"
        page.select_option("#dept", dept)
        n_dept = con.execute("SELECT count(*) FROM forms WHERE department = ?", [dept]).fetchall()[0][0]
        assert visible_rows(page).count() == n_dept > 0
        assert set(visible_rows(page).evaluate_all("rs => rs.map(r => r.cells[1].textContent)")) == {dept}
        page.select_option("#dept", "*")
        page.select_option("#year", "2022")
        n_year = con.execute("SELECT count(*) FROM forms WHERE year = 2022").fetchall()[0][0]
        assert visible_rows(page).count() == n_year > 0 and set(sort_values(page, 3)) == {"2022"}
        # filters combine: 2022, with errors, of one rule
        page.check("#only-errors")
        page.select_option("#rule", "TOTAL_SCORE")
        n_all = con.execute(
            "SELECT count(DISTINCT form_id) FROM findings JOIN forms USING (form_id) "
            "WHERE forms.year = 2022 AND rule_id = 'TOTAL_SCORE' AND form_id IN "
            "(SELECT form_id FROM findings WHERE severity = 'error')"
        ).fetchall()[0][0]
        assert visible_rows(page).count() == n_all
        assert page.locator("#shown").inner_text() == str(n_all)
        # a department in the overview filters the list by that department alone
        page.click(f'#by-dept a.dept:text-is("{dept}")')
        assert page.locator("#dept").input_value() == dept and page.locator("#rule").input_value() == ""
        assert visible_rows(page).count() == n_dept
        w.assert_clean()


def test_pdf_findings_show_their_page_crops_in_chromium(
    browser: Browser, sample_dataset: Dataset, sample_report: tuple[Path, dict[str, int]]
) -> None:
    path, _ = sample_report
    con = connect(sample_dataset.root)
    (form_id,) = con.execute(
        "SELECT form_id FROM forms WHERE source_path = 'sample_docs/seed_datong_2021.pdf'"
    ).fetchall()[0]
    with opened(browser, path) as w:
        page = w.page
        page.goto(f"{w.url}#form-{form_id}")
        section = page.locator(f"#form-{form_id}")
        expect(section).to_be_visible()
        rate = section.locator("ol.findings li").filter(has_text="【EXEC_RATE】")
        assert (
            "「其中：当年财政拨款」一行的「全年预算数」、「全年执行数」、「执行率」（第1页）"
            in rate.inner_text()
        )
        img = rate.locator("figure.crop img")
        assert img.count() == 1 and "原件第1页" in rate.locator("figure.crop").inner_text()
        img.scroll_into_view_if_needed()
        expect(img).to_be_visible()
        size = img.evaluate("i => i.complete && [i.naturalWidth, i.naturalHeight]")
        assert size[0] > 300 and 40 < size[1] < size[0]  # a band of the page: the row, as wide as the table
        png = img.screenshot()
        seen = colours(png)
        assert len(seen) > 20  # a rendered page, not a blank box
        assert any(r > 150 and g < 110 and b < 110 for r, g, b in seen)  # the cells outlined in red
        # the indicator finding is on page 2; a form-level finding has no cell and no crop
        deviation = section.locator("ol.findings li").filter(has_text="【DEVIATION_MISSING】")
        assert "原件第2页" in deviation.inner_text() and "扬尘治理" in deviation.inner_text()
        level1 = section.locator("ol.findings li").filter(has_text="产出指标分值合计55")
        assert level1.locator("img").count() == 0
        # a form that needs review: its unread cells, named by their column, and their crop
        (review_id,) = con.execute(
            "SELECT form_id FROM forms WHERE source_path = 'sample_docs/unknown_number_column_jiangxi.pdf'"
        ).fetchall()[0]
        page.goto(f"{w.url}#form-{review_id}")
        box = page.locator(f"#form-{review_id} .review-box")
        expect(box).to_be_visible()
        assert "「复核分」一栏的 9 个单元格" in box.inner_text()
        unread = box.locator("ul.unread figure.crop img")
        assert unread.count() == 2
        unread.first.scroll_into_view_if_needed()
        page.wait_for_function("i => i.complete && i.naturalHeight > 100", arg=unread.first.element_handle())
        # a Word form has no page to crop
        (docx_id,) = con.execute("SELECT form_id FROM forms WHERE source_path = ?", [SEED]).fetchall()[0]
        page.goto(f"{w.url}#form-{docx_id}")
        assert page.locator(f"#form-{docx_id} img").count() == 0
        w.assert_clean()

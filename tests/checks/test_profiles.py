"""The profile follows the template: a form is judged under the profile of the template it was
recognised as, unless ``--profile`` forces one; forms and findings record which."""

from __future__ import annotations

from parsers.formats.base import ParseOptions
from parsers.formats.docx import parse_docx
from parsers.forms.template import template_of
from pipeline.dataset.writer import Dataset
from pipeline.extract import forms_of
from tests.conftest import SAMPLES


def test_templates_are_recognised_from_their_labels() -> None:
    assert template_of(["预算执行情况(万元)(20分)", "预算数(A)"], None) == "hubei"
    assert template_of(["得分(20分*执行率)"], None) == "hubei"
    assert template_of(["报表编号"], "部门预算项目支出绩效自评表") == "sichuan"
    assert template_of(["指标性质", "度量单位", "未完成原因分析"], None) == "sichuan"
    assert template_of(["指标性质", "度量单位", "服务对象满意度指标等"], None) == "yunnan"
    assert template_of(["年度指标值", "实际完成值"], "项目支出绩效自评表") == "national"


def test_a_sichuan_form_is_judged_under_the_sichuan_profile() -> None:
    doc = parse_docx((SAMPLES / "extra_columns_sichuan.docx").read_bytes(), ParseOptions())
    (auto,), _ = forms_of(doc, "auto")
    assert (auto.form.template, auto.profile) == ("sichuan", "sichuan")
    assert not any(f.rule_id == "LEVEL1_WEIGHT" for f in auto.findings)  # 90 split freely
    (forced,), _ = forms_of(doc, "national")
    assert forced.profile == "national"
    assert sum(f.rule_id == "LEVEL1_WEIGHT" for f in forced.findings) == 3


def test_forms_and_findings_record_their_profile(sample_dataset: Dataset) -> None:
    forms = {f["source_path"]: f for f in sample_dataset.read("forms").to_pylist()}
    assert forms["sample_docs/extra_columns_sichuan.docx"]["profile"] == "sichuan"
    assert forms["sample_docs/seed_datong_2021.docx"]["profile"] == "national"
    by_form = {f["form_id"]: f["profile"] for f in forms.values()}
    for finding in sample_dataset.read("findings").to_pylist():
        assert finding["profile"] == by_form.get(finding["form_id"], finding["profile"])

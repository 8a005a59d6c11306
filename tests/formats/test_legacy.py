"""Legacy Word through the worker's LibreOffice: one office reused across files, a file that hangs
or kills it fails alone, the next file gets a new office; no LibreOffice, a clear reason.

These start a real headless LibreOffice (``make test`` installs it); they are kept few and short.
"""

from __future__ import annotations

import os
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from parsers.formats.base import ParseOptions, Services
from parsers.formats.docx import parse_docx
from parsers.formats.legacy import SERVICE, _check_tables, parse_legacy_word
from parsers.formats.soffice import Conversion, LibreOffice
from pipeline.dataset.writer import Dataset
from pipeline.extract import extract, sha256_of
from schemas.errors import ConversionFailed, ParseTimeout
from schemas.profiles import NATIONAL
from schemas.records import Source
from tests.conftest import SAMPLES

DOC = (SAMPLES / "seed_datong_2021.doc").read_bytes()
WPS = (SAMPLES / "real_004_yongde_2022.wps").read_bytes()
OPTIONS = ParseOptions()

needs_office = pytest.mark.skipif(
    shutil.which("soffice") is None and not os.environ.get("CI"),
    reason="LibreOffice is not installed (make test installs it)",
)


@pytest.fixture(scope="module")
def services() -> Iterator[Services]:
    with Services() as s:
        yield s


def _office(services: Services) -> LibreOffice:
    return services.get(SERVICE, lambda: LibreOffice(OPTIONS))


@needs_office
def test_one_office_converts_every_file_of_a_worker(services: Services) -> None:
    first = parse_legacy_word(DOC, OPTIONS, services)
    office = _office(services)
    pid = office._office.pid if office._office else None
    second = parse_legacy_word(WPS, OPTIONS, services)
    assert _office(services) is office and office._office is not None and office._office.pid == pid
    assert first.tables and second.tables
    assert first.warnings[0].startswith("converted: ") and f"by {office.version}" in first.warnings[0]


@needs_office
def test_a_file_past_the_time_limit_fails_alone_and_the_next_gets_a_new_office(services: Services) -> None:
    with pytest.raises(ParseTimeout, match="LibreOffice took longer"):
        parse_legacy_word(DOC, ParseOptions(convert_timeout=0.01), services)
    assert SERVICE not in services._items  # the hung office was killed and dropped
    assert parse_legacy_word(DOC, OPTIONS, services).tables


@needs_office
def test_an_office_that_died_between_files_is_replaced(services: Services) -> None:
    office = _office(services)
    assert office._office is not None
    os.killpg(office._office.pid, signal.SIGKILL)
    office._office.wait()
    assert parse_legacy_word(DOC, OPTIONS, services).tables
    assert _office(services) is not office


@needs_office
def test_the_converted_tables_must_match_what_libreoffice_read(services: Services) -> None:
    conv = _office(services).convert(DOC, ".doc", OPTIONS.convert_timeout)
    doc = parse_docx(conv.docx, OPTIONS)
    _check_tables(conv, doc)  # as converted: the same tables
    wrong = Conversion(conv.docx, ((conv.tables[0][0] + 1, conv.tables[0][1]),), conv.by)
    with pytest.raises(ConversionFailed, match="tables differ"):
        _check_tables(wrong, doc)


def test_without_libreoffice_the_file_fails_with_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # a machine without soffice
    with Services() as services:
        result = extract(Source("x.doc", sha256_of(DOC), len(DOC), "doc"), DOC, NATIONAL, OPTIONS, services)
    assert (result.status, result.error_code) == ("failed", "missing_component")
    assert result.error is not None and "apt-get install libreoffice-writer-nogui" in result.error
    assert "未安装" in result.error


@needs_office
def test_sources_say_the_file_was_converted_and_by_what(sample_dataset: Dataset) -> None:
    rows = {r["source_path"]: r for r in sample_dataset.read("sources").to_pylist()}
    for name in (
        "seed_datong_2021.doc",
        "real_004_yongde_2022.wps",
        "rule_violations_indicators.rtf",
        "split_over_two_tables.odt",
    ):
        row = rows[f"sample_docs/{name}"]
        assert row["status"] == "ok" and row["format"] in ("doc", "rtf", "odt")
        assert any(w.startswith("converted: ") and "LibreOffice" in w for w in row["warnings"]), row
    assert rows["sample_docs/doc_password_protected.doc"]["error_code"] == "encrypted"

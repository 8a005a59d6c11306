"""Every reason code a file can get is declared once, in ``schemas.statuses``."""

from __future__ import annotations

from pipeline.dataset.writer import Dataset
from schemas import errors
from schemas.errors import InputError
from schemas.statuses import CODES, STATUS_ZH, reason_zh, retried


def _subclasses(cls: type) -> list[type]:
    return [cls, *(s for sub in cls.__subclasses__() for s in _subclasses(sub))]


def test_every_input_error_code_is_declared() -> None:
    codes = {c.code for c in _subclasses(InputError)}
    assert codes <= set(CODES), codes - set(CODES)
    # a time-out may be the machine's, not the bytes': retried once, then kept for those bytes
    assert retried(errors.ParseTimeout.code, 1) and not retried(errors.ParseTimeout.code, 2)


def test_the_sample_run_uses_only_declared_codes(sample_dataset: Dataset) -> None:
    sources = sample_dataset.read("sources").to_pylist()
    used = {s["error_code"] for s in sources if s["error_code"]}
    assert used and used <= set(CODES), used - set(CODES)
    for s in sources:
        assert s["status"] in STATUS_ZH
        if s["error_code"] and s["status"] != "partial":
            assert CODES[s["error_code"]].status == s["status"], s


def test_reasons_are_chinese_with_the_code_shown_when_unknown() -> None:
    assert reason_zh("corrupt") == "文件损坏"
    assert reason_zh("no_such_code") == "no_such_code"
    assert reason_zh(None) == ""
    assert all(c.zh and c.en for c in CODES.values())

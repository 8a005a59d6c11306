"""The house rules that no linter checks: modules small enough to read in one sitting.

(The import floors are checked by import-linter, ``lint-imports`` in ``make test``, from the
contracts in pyproject.toml.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import ROOT

#: Most lines a module may have. The sample builders (sample_docs/build) are exempt: they are the
#: documents' content, one function per sample.
MAX_LINES = 600
CODE = ("schemas", "parsers", "pipeline", "tests", "bench")
MODULES = sorted(p for top in CODE for p in (ROOT / top).rglob("*.py"))


@pytest.mark.parametrize("module", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_module_length(module: Path) -> None:
    n = len(module.read_text(encoding="utf-8").splitlines())
    assert n <= MAX_LINES, f"{module.relative_to(ROOT)} has {n} lines (cap {MAX_LINES}): split it by job"


def test_every_package_directory_is_a_package() -> None:
    # a folder without __init__.py is a namespace package that import-linter cannot see
    missing = [
        str(d.relative_to(ROOT))
        for top in ("schemas", "parsers", "pipeline", "tests")
        for d in [ROOT / top, *(ROOT / top).rglob("*")]
        if d.is_dir() and d.name != "__pycache__" and any(d.glob("*.py")) and not (d / "__init__.py").exists()
    ]
    assert not missing

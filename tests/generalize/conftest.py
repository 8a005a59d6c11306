"""The fast slice, read once per session (both test modules of this package use it)."""

from __future__ import annotations

import pytest

from parsers.formats.base import Services
from tests.generalize.harness import Outcome, evaluate
from tests.generalize.variants import FAST_SEEDS, draw

#: Share of the slice written as .xlsx workbooks (no LibreOffice needed, unlike PDF).
SLICE_SHEET_SHARE = 0.25


@pytest.fixture(scope="session")
def slice_outcomes() -> list[Outcome]:
    with Services() as services:
        return evaluate([draw(seed, sheet_share=SLICE_SHEET_SHARE) for seed in FAST_SEEDS], services)

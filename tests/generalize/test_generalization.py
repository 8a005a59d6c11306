"""The generalization invariant on the fast slice (seeds 0–47, ``variants.FAST_SEEDS``): every
template variant gives the same forms, funds and indicators rows as the plain rendering of its
content, or is flagged (``needs_review``, or a status that is not ok). The full run over ≥ 500
held-out seeds is ``make generalize``.

The reader tuned on the development seeds (1000–) never sees these seeds nor the benchmark's.
The harness itself is tested in test_harness.py.
"""

from __future__ import annotations

from tests.generalize.harness import Outcome
from tests.generalize.report import summary, text

#: Share of cells that must equal the plain rendering's (the issue's benchmark target).
CELLS_EQUAL_FLOOR = 0.995


def test_every_differing_variant_is_flagged(slice_outcomes: list[Outcome]) -> None:
    silent = [o for o in slice_outcomes if o.silent]
    assert not silent, f"{len(silent)} variants silently wrong:\n" + "\n".join(
        f"seed {o.variant.seed} {o.variant.content} [{o.variant.describe()}]: {o.diffs[0].describe()}"
        for o in silent
    )


def test_cells_equal_floor(slice_outcomes: list[Outcome]) -> None:
    s = summary(slice_outcomes, f"{slice_outcomes[0].variant.seed}–{slice_outcomes[-1].variant.seed}")
    assert s["cells_equal_share"] >= CELLS_EQUAL_FLOOR, text(s)

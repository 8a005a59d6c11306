"""The figures of a generalization run: share of cells equal, differing variants and how many were
flagged, and the failures grouped by knob (one example each)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from tests.generalize.harness import Outcome
from tests.generalize.variants import MEDIA


def knob_keys(outcome: Outcome) -> list[str]:
    """The groups a variant counts in: ``knob`` for on/off knobs, ``knob=value`` otherwise
    (``extra_columns=<one column>`` for each extra column)."""
    keys = []
    for k, v in outcome.variant.knobs:
        if v == "on":
            keys.append(k)
        elif k == "extra_columns":
            keys += [f"{k}={e}" for e in v.split("+")]
        else:
            keys.append(f"{k}={v}")
    return keys or ["plain"]


def _medium(key: str) -> bool:
    """A knob that changes the file format, not the template: printed to PDF, written as a workbook."""
    return key.split("=")[0] in MEDIA


def _alone(outcome: Outcome, key: str) -> bool:
    """Whether the variant turns no other knob (its file format aside, except for a format's own
    row: ``pdf`` and ``sheet=…`` alone are the plain template in that format)."""
    keys = knob_keys(outcome)
    return keys == [key] or (not _medium(key) and [k for k in keys if not _medium(k)] == [key])


def _share(a: int, b: int) -> float | None:
    return round(a / b, 6) if b else None


def summary(outcomes: list[Outcome], seeds: str) -> dict[str, Any]:
    differ = [o for o in outcomes if o.differs]
    flagged = [o for o in differ if o.flagged]
    by_review = [o for o in differ if o.needs_review]
    silent = [o for o in differ if o.silent]
    equal = sum(o.cells_equal for o in outcomes)
    cells = sum(o.cells for o in outcomes)
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        for key in knob_keys(o):
            groups[key].append(o)
    knobs = []
    for key, os in groups.items():
        alone = [o for o in os if _alone(o, key)]
        bad = [o for o in os if o.silent]
        example = next((o for o in sorted(bad, key=lambda o: len(o.variant.knobs))), None)
        knobs.append(
            {
                "knob": key,
                "variants": len(os),
                "differ": sum(o.differs for o in os),
                "silent": len(bad),
                "alone": len(alone),
                "alone_silent": sum(o.silent for o in alone),
                "cells_equal": _share(sum(o.cells_equal for o in os), sum(o.cells for o in os)),
                "example": None
                if example is None
                else {
                    "seed": example.variant.seed,
                    "content": example.variant.content,
                    "knobs": example.variant.describe(),
                    "diff": example.diffs[0].describe(),
                    "diffs": len(example.diffs),
                },
            }
        )
    knobs.sort(key=lambda k: (-k["alone_silent"] / max(k["alone"], 1), -k["silent"], k["knob"]))
    return {
        "seeds": seeds,
        "variants": len(outcomes),
        "pdf": sum(o.variant.has("pdf") for o in outcomes),
        "sheets": sum(o.variant.has("sheet") for o in outcomes),
        "xls": sum(o.variant.has("xls") for o in outcomes),
        "contents": len({o.variant.content.split("/")[0] for o in outcomes}),
        "cells": cells,
        "cells_equal": equal,
        "cells_equal_share": _share(equal, cells),
        "equal": len(outcomes) - len(differ),
        "differ": len(differ),
        "flagged": len(flagged),
        "flagged_needs_review": len(by_review),
        "flagged_status_only": len(flagged) - len(by_review),
        "silent": len(silent),
        "flagged_share": _share(len(flagged), len(differ)),
        "needs_review_share": _share(len(by_review), len(differ)),
        "statuses": dict(
            sorted({o.status: sum(x.status == o.status for x in differ) for o in differ}.items())
        ),
        "knobs": knobs,
    }


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.2f} %"


def text(s: dict[str, Any]) -> str:
    lines = [
        f"generalization: {s['variants']} variants ({s['pdf']} printed to PDF, {s.get('sheets', 0)} workbooks: "
        f"{s.get('sheets', 0) - s.get('xls', 0)} .xlsx, {s.get('xls', 0)} .xls) "
        f"of {s['contents']} contents, seeds {s['seeds']}",
        f"  cells equal to the plain rendering: {_pct(s['cells_equal_share'])} ({s['cells_equal']} of {s['cells']})",
        f"  variants equal: {s['equal']}; differing: {s['differ']}",
        f"  differing variants flagged: {_pct(s['flagged_share'])} ({s['flagged']}: {s['flagged_needs_review']} needs_review, "
        f"{s['flagged_status_only']} only by a status that is not ok {s['statuses']})",
        f"  differing variants flagged needs_review: {_pct(s['needs_review_share'])}",
        f"  silently wrong (differ, status ok, not needs_review): {s['silent']}",
        "",
        "  by knob: variants with it, differing, silently wrong | alone: variants, silently wrong | cells equal",
    ]
    width = max((len(k["knob"]) for k in s["knobs"]), default=10)
    for k in s["knobs"]:
        lines.append(
            f"    {k['knob']:<{width}} {k['variants']:>4} {k['differ']:>4} {k['silent']:>4} | "
            f"{k['alone']:>3} {k['alone_silent']:>3} | {_pct(k['cells_equal'])}"
        )
    lines += ["", "  one silently wrong example per knob (first differing field; the variant's knobs):"]
    for k in s["knobs"]:
        ex = k["example"]
        if ex is not None:
            lines.append(
                f"    {k['knob']}: seed {ex['seed']} {ex['content']} [{ex['knobs']}] — {ex['diff']} (+{ex['diffs'] - 1} more)"
            )
    return "\n".join(lines)

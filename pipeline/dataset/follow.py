"""Decisions that follow their finding into a resubmitted file.

A finding's id starts with its form's id, and a form's id with the file's sha256: a resubmission
(new bytes at the same path) gives every finding of the file a new id. A decision about a finding
that the new bytes no longer have goes stale (``reviews.decisions``). A decision about a finding
that the new bytes still have *word for word* — the same form (path and form index), rule and
place, and the same message the auditor read — follows it: the commit that replaces the file
appends a copy of the decision under the new id (``via`` says where it came from, ``at`` stays the
moment it was decided). A finding whose text changed (other numbers, another reason) is not the
finding that was decided: its decision stays stale and the new finding waits for a review.

Pure functions over Arrow tables, called by the writer inside its commit.
"""

from __future__ import annotations

from typing import Final

import pyarrow as pa

from schemas.tables import REVIEWS, Row

#: ``reviews.via`` of a decision carried to a resubmission (the old finding id follows).
FOLLOWED: Final = "随重新提交沿用 carried from "


def latest(ledger: list[Row]) -> list[Row]:
    """The latest row per finding id (by ``at``, then the order written), as ``decisions`` reads."""
    history: dict[str, list[tuple[int, Row]]] = {}
    for i, r in enumerate(ledger):
        history.setdefault(r["finding_id"], []).append((i, r))
    return [max(rows, key=lambda ir: (ir[1]["at"], ir[0]))[1] for rows in history.values()]


def followed(
    ledger: list[Row], dropped_forms: list[Row], new_forms: pa.Table | None, new_findings: pa.Table | None
) -> pa.Table | None:
    """The ledger rows to append: each latest decision about a finding of a dropped form (the old
    bytes of a resubmitted file) copied to the new form's identical finding. ``dropped_forms``
    are the old forms' ``form_id``/``source_path``/``form_index``."""
    if not ledger or not dropped_forms or new_forms is None or new_findings is None:
        return None
    old_forms = {r["form_id"]: (r["source_path"], r["form_index"]) for r in dropped_forms}
    by_place = {
        (r["source_path"], r["form_index"]): (r["form_id"], r["source_sha256"])
        for r in new_forms.select(["form_id", "source_path", "form_index", "source_sha256"]).to_pylist()
    }
    messages = {
        r["finding_id"]: r["message"] for r in new_findings.select(["finding_id", "message"]).to_pylist()
    }
    decided = {r["finding_id"] for r in ledger}
    out: list[Row] = []
    for r in latest(ledger):
        place = old_forms.get(r["form_id"])
        if place is None or place not in by_place:
            continue
        new_form, new_sha = by_place[place]
        target = new_form + r["finding_id"][len(r["form_id"]) :]
        if target in decided or messages.get(target) != r["message"]:
            continue
        out.append(
            {
                **r,
                "finding_id": target,
                "form_id": new_form,
                "source_sha256": new_sha,
                "via": f"{FOLLOWED}{r['finding_id']}",
            }
        )
    return pa.Table.from_pylist(out, schema=REVIEWS) if out else None

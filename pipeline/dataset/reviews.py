"""The auditors' ledger (the ``reviews`` table): decisions about findings, kept across every
re-ingest.

A decision is appended, never changed: the latest per ``finding_id`` (by ``at``, then by the
order written) is the finding's status, the earlier ones are its history. The writer carries the
table into every new version (``schemas.tables.LEDGERS``: rows are never dropped when a file is
re-ingested), and a decision is recorded by one ordinary atomic commit, so a crash at any moment
leaves every earlier decision in place. A decision whose finding is gone (the file was resubmitted
without it) is *stale*: computed when read, never written.

``record`` validates every request against the version it commits on, inside the writer lock:
all of them are recorded or none.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

from pipeline.dataset.follow import FOLLOWED
from pipeline.dataset.follow import latest as follow_latest
from pipeline.dataset.rows import to_table
from pipeline.dataset.writer import Dataset, Snapshot
from schemas.statuses import REVIEW_STATUS_ZH
from schemas.tables import Row

#: The columns of ``findings`` a decision is checked against and copies.
FINDING_COLUMNS: Final = ["finding_id", "form_id", "source_sha256", "rule_id", "message"]


@dataclass(frozen=True, slots=True)
class Decision:
    """The latest decision about one finding."""

    finding_id: str
    form_id: str
    rule_id: str
    source_path: str
    status: str  # confirmed / dismissed / fixed
    note: str | None
    by: str | None
    at: dt.datetime
    message: str  # what the finding said when it was reviewed
    via: str
    #: The finding no longer exists in the dataset (its file was resubmitted without it).
    stale: bool
    #: Earlier decisions about the same finding (the ledger keeps them).
    earlier: int
    #: The id of the same finding in the file's resubmission, which the decision followed
    #: (``pipeline.dataset.follow``); the decision is stale here and current there.
    moved_to: str | None = None

    @property
    def status_zh(self) -> str:
        return REVIEW_STATUS_ZH.get(self.status, self.status)


@dataclass(frozen=True, slots=True)
class Request:
    """A decision someone asks to record. ``row`` is the workbook row it came from (for messages);
    ``shown`` what the finding said where the person read it (the workbook), checked unchanged."""

    finding_id: str
    status: str | None  # a code; None: the person wrote something that is not a status
    note: str | None = None
    by: str | None = None
    row: int | None = None
    written_status: str | None = None
    shown: str | None = None


class ReviewError(Exception):
    """Requests that cannot be recorded; ``problems`` lists each (Chinese and English), nothing
    was recorded."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = list(problems)


def decisions(snapshot: Snapshot) -> dict[str, Decision]:
    """finding_id → its latest decision, with ``stale`` for findings that no longer exist."""
    ledger = snapshot.read("reviews").to_pylist()
    if not ledger:
        return {}
    current = set(snapshot.read("findings", ["finding_id"]).column(0).to_pylist())
    history: dict[str, list[Row]] = {}
    for r in ledger:
        history.setdefault(r["finding_id"], []).append(r)
    moved = {r["via"][len(FOLLOWED) :]: r["finding_id"] for r in ledger if str(r["via"]).startswith(FOLLOWED)}
    out: dict[str, Decision] = {}
    for fid, rows in history.items():
        (latest,) = follow_latest(rows)
        out[fid] = Decision(
            finding_id=fid,
            form_id=latest["form_id"],
            rule_id=latest["rule_id"],
            source_path=latest["source_path"],
            status=latest["status"],
            note=latest["note"],
            by=latest["by"],
            at=latest["at"],
            message=latest["message"],
            via=latest["via"],
            stale=fid not in current,
            earlier=len(rows) - 1,
            moved_to=moved.get(fid),
        )
    return out


def _where(req: Request) -> str:
    return f"第{req.row}行（row {req.row}）：" if req.row is not None else ""


def _problems(snapshot: Snapshot, requests: Sequence[Request], display: Callable[[str], str]) -> list[str]:
    found = {r["finding_id"]: r for r in snapshot.read("findings", FINDING_COLUMNS).to_pylist()}
    problems: list[str] = []
    seen: dict[str, int | None] = {}
    for req in requests:
        where = _where(req)
        if req.finding_id not in found:
            problems.append(
                f"{where}问题ID {req.finding_id} 不在数据集中 — unknown finding id {req.finding_id!r}"
            )
            continue
        if req.status is None:
            problems.append(
                f"{where}复核状态“{req.written_status}”无效，应为 确认/已说明/已整改 — bad status "
                f"{req.written_status!r} (confirmed, dismissed or fixed)"
            )
        if req.shown is not None and req.shown != display(found[req.finding_id]["message"]):
            problems.append(
                f"{where}问题 {req.finding_id} 的说明自导出后已改变，请重新导出后复核 — the finding's text "
                "changed since the workbook was exported: export again and review the new text"
            )
        if req.finding_id in seen:
            problems.append(
                f"{where}问题 {req.finding_id} 重复出现（另见第{seen[req.finding_id]}行） — "
                "the finding appears twice"
            )
        seen[req.finding_id] = req.row
    return problems


def record(
    dataset: Dataset,
    requests: Sequence[Request],
    via: str,
    *,
    display: Callable[[str], str] | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Record ``requests`` as one commit (all or none); returns how many were recorded. Raises
    ``ReviewError`` listing every problem, and changes nothing, when one of them cannot be.
    ``display`` turns a finding's message into the text the requests' source showed (the workbook
    shows it made visible), compared with ``Request.shown``."""
    if not requests:
        return 0
    at = now or dt.datetime.now(dt.UTC)
    with dataset.lock():
        snapshot = dataset.open()
        problems = _problems(snapshot, requests, display or (lambda m: m))
        if problems:
            raise ReviewError(problems)
        found = {r["finding_id"]: r for r in snapshot.read("findings", FINDING_COLUMNS).to_pylist()}
        forms = snapshot.read("forms", ["form_id", "source_path"]).to_pylist()
        paths = {r["form_id"]: r["source_path"] for r in forms}
        rows = []
        for i, req in enumerate(requests):
            f = found[req.finding_id]
            rows.append(
                {
                    "finding_id": req.finding_id,
                    "form_id": f["form_id"],
                    "source_sha256": f["source_sha256"],
                    "rule_id": f["rule_id"],
                    "source_path": paths.get(f["form_id"], ""),
                    "status": req.status,
                    "note": req.note or None,
                    "by": req.by or None,
                    "at": at + dt.timedelta(microseconds=i),  # the order given, kept by ``at``
                    "message": f["message"],
                    "via": via,
                }
            )
        dataset.commit(
            {"reviews": to_table("reviews", rows)},
            snapshot.read("sources"),
            [],
            snapshot.manifest.profile,
        )
    return len(rows)

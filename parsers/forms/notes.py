"""What a block reader reports besides its records: the role of each cell it read, the cells it
read values from (provenance), warnings (English, for developers and ``match_warnings``) and
reasons to review the form (Chinese, for the auditor)."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from parsers.forms.layout import RowView
from schemas.records import Cell, CellRole, CellRoleKind

#: (table, row, col) of a cell.
Key = tuple[int, int, int]


def where(key: Key) -> str:
    """A cell's place as people count it (from 1): 表1第5行第3列."""
    table, row, col = key
    return f"表{table + 1}第{row + 1}行第{col + 1}列"


def quote(text: str, limit: int = 24) -> str:
    """A cell's text for a message, shortened."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


@functools.lru_cache(maxsize=4096)
def _role(role: CellRoleKind, name: str | None, reason: str | None) -> CellRole:
    """A role, made once per distinct (role, field, reason): a form gives ~150 cells a role,
    mostly the same few dozen, and records are immutable."""
    return CellRole(role, name, reason)


@dataclass(slots=True)
class Notes:
    roles: dict[Key, CellRole] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    review: list[str] = field(default_factory=list)

    def role(
        self, row: RowView, cell: Cell, role: CellRoleKind, name: str | None = None, reason: str | None = None
    ) -> None:
        """Record what a cell is (the first reader to claim a cell wins, except that a value or
        a label replaces an earlier ``unread``)."""
        key = (row.table_index, cell.row, cell.col)
        old = self.roles.get(key)
        if old is None or (old.role == "unread" and role != "unread"):
            self.roles[key] = _role(role, name, reason)

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    def flag(self, reason: str) -> None:
        """A reason the form needs a person's review (Chinese)."""
        if reason not in self.review:
            self.review.append(reason)

    def merge(self, other: Notes) -> None:
        for key, role in other.roles.items():
            old = self.roles.get(key)
            if old is None or (old.role == "unread" and role.role != "unread"):
                self.roles[key] = role
        for w in other.warnings:
            self.warn(w)
        for r in other.review:
            self.flag(r)

"""The parser interface and its settings.

A parser is a pure function ``(data: bytes, options: ParseOptions) -> RawDocument``. It raises
``schemas.errors.InputError`` subclasses for bad files and nothing else on purpose.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from schemas.records import RawDocument


@dataclass(frozen=True, slots=True)
class ParseOptions:
    """Every limit and tolerance a parser uses, with named defaults (validated on creation)."""

    #: Largest decompressed XML part read from a .docx (zip-bomb guard), bytes.
    max_part_bytes: int = 64 * 1024 * 1024
    #: Largest ratio of decompressed to compressed size accepted for a .docx part.
    max_compression_ratio: int = 200
    #: Most pages read from one PDF.
    max_pages: int = 500
    #: PDF: distance (pt) within which ruling lines are snapped together / joined.
    snap_tolerance: float = 3.0
    join_tolerance: float = 3.0
    #: PDF: a page is a scan when it has fewer characters than this and an image covering it.
    min_text_chars: int = 10
    #: PDF: share of ``(cid:N)`` glyphs (no Unicode mapping) above which text is unreadable.
    max_cid_share: float = 0.2

    def __post_init__(self) -> None:
        if self.max_part_bytes <= 0 or self.max_compression_ratio <= 1 or self.max_pages <= 0:
            raise ValueError("ParseOptions limits must be positive")
        if self.snap_tolerance < 0 or self.join_tolerance < 0:
            raise ValueError("ParseOptions tolerances must be >= 0")
        if not 0 < self.max_cid_share <= 1:
            raise ValueError("max_cid_share must be in (0, 1]")


class Parser(Protocol):
    def __call__(self, data: bytes, options: ParseOptions) -> RawDocument: ...

"""Inputs → candidate files: every file under the inputs, each accounted for.

Folders are walked recursively and in sorted order; symlinked folders are followed once (a
symlink loop is reported, not walked forever). Nothing is dropped silently: Office lock files
(``~$x.docx``), hidden files, unreadable entries and loops all become candidates that the run
records in ``sources`` with the reason they were not read.
"""

from __future__ import annotations

import fnmatch
import os
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from schemas.records import SourceStatus


@dataclass(frozen=True, slots=True)
class Candidate:
    """A file to account for. ``skip`` is set when it must not be parsed (with the reason)."""

    path: str  # as recorded in ``sources`` (the input as given, joined with the walked names)
    skip_code: str | None = None
    skip_reason: str | None = None
    #: ``skipped`` (not a submission: lock files, loops) or ``failed`` (a submission that
    #: cannot be read: missing, dangling link, no permission).
    skip_status: SourceStatus = "skipped"


def _skip_reason(name: str) -> tuple[str, str] | None:
    if name.startswith("~$"):
        return "lock_file", "an Office lock file (~$…), written while a document is open; not a submission"
    if name.startswith("."):
        return "hidden", "a hidden file; not read"
    return None


@dataclass
class Walked:
    """What a walk saw besides its candidates: inputs that held no file at all, and how many
    entries ``--exclude`` left out (a folder counts once)."""

    empty: list[str] = field(default_factory=list)
    excluded: int = 0


def walk(
    inputs: list[str], exclude: Sequence[str] = (), seen_by: Walked | None = None
) -> Iterator[Candidate]:
    """Every file under the inputs, in sorted order; each exactly once. ``exclude``: glob
    patterns matched against each entry's name and its path under the input folder (such an
    entry is not walked and gets no candidate); ``seen_by`` collects the empty inputs and the
    excluded count."""
    seen: set[str] = set()
    walked = seen_by if seen_by is not None else Walked()
    for given in inputs:
        n = 0
        for cand in _walk_one(given, tuple(exclude), walked):
            n += 1
            if cand.path not in seen:  # the same path given twice is one file
                seen.add(cand.path)
                yield cand
        if n == 0:
            walked.empty.append(given)


def _excluded(name: str, relative: str, patterns: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatchcase(name, p) or fnmatch.fnmatchcase(relative, p) for p in patterns)


def roots(inputs: Sequence[str]) -> frozenset[str]:
    """The inputs as ``walk`` records them, for ``in_scope``."""
    return frozenset(os.path.normpath(given) for given in inputs)


def in_scope(path: str, scope: frozenset[str]) -> bool:
    """Whether ``path`` (as ``walk`` records paths) is one of the inputs ``scope`` (``roots``) or
    lies under one: its ancestors are looked up, so a list of 10,000 inputs costs no more."""
    current = path
    while current:
        if current in scope:
            return True
        parent = os.path.dirname(current)
        if parent == current:
            return False
        current = parent
    return False


def _walk_one(given: str, exclude: tuple[str, ...] = (), walked: Walked | None = None) -> Iterator[Candidate]:
    path = os.path.normpath(given)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        yield Candidate(path, "missing", "no such file or directory", "failed")
        return
    except OSError as e:
        yield Candidate(path, "unreadable", f"cannot be read ({e.strerror})", "failed")
        return
    if not stat.S_ISDIR(st.st_mode):
        yield from _file(path, st)
        return
    active: set[tuple[int, int]] = set()

    def visit(directory: str, dst: os.stat_result) -> Iterator[Candidate]:
        key = (dst.st_dev, dst.st_ino)
        if key in active:
            yield Candidate(
                directory, "symlink_loop", "a symlink loop (a folder that contains itself); not followed"
            )
            return
        active.add(key)
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as e:
            yield Candidate(directory, "unreadable", f"folder cannot be listed ({e.strerror})", "failed")
            active.discard(key)
            return
        for entry in entries:
            child = os.path.join(directory, entry.name)
            if exclude and _excluded(entry.name, os.path.relpath(child, path), exclude):
                if walked is not None:
                    walked.excluded += 1
                continue
            try:
                cst = os.stat(child)
            except OSError as e:
                code = "broken_symlink" if entry.is_symlink() else "unreadable"
                why = "a link to a file that does not exist" if code == "broken_symlink" else e.strerror
                yield Candidate(child, code, f"cannot be read ({why})", "failed")
                continue
            if stat.S_ISDIR(cst.st_mode):
                if entry.name.startswith("."):
                    continue  # hidden folders (.git, .Trash) are not submissions
                yield from visit(child, cst)
            else:
                yield from _file(child, cst)
        active.discard(key)

    yield from visit(path, st)


def _file(path: str, st: os.stat_result) -> Iterator[Candidate]:
    """A file; one reached twice (symlinks, hard links) stays two paths: the run reports the
    second as a duplicate of the first by content."""
    if not stat.S_ISREG(st.st_mode):
        yield Candidate(path, "not_a_file", "not a regular file (device, socket or pipe)")
        return
    skip = _skip_reason(os.path.basename(path))
    yield Candidate(path, *skip) if skip else Candidate(path)


def read_list_file(path: str) -> list[str]:
    """Inputs from a list file: one path per line; blank lines and '#' comments ignored."""
    with open(path, encoding="utf-8") as fh:
        return [line.strip() for line in fh if line.strip() and not line.lstrip().startswith("#")]

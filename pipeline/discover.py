"""Inputs → candidate files, and a file's bytes → its format (by content, never by extension).

Folders are walked recursively and in sorted order; symlinked folders are followed once (a
symlink loop is reported, not walked forever). Nothing is dropped silently: Office lock files
(``~$x.docx``), hidden files, unreadable entries and loops all become candidates that the run
records in ``sources`` with the reason they were not read.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from schemas.errors import ResourceLimit

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True, slots=True)
class Candidate:
    """A file to account for. ``skip`` is set when it must not be parsed (with the reason)."""

    path: str  # as recorded in ``sources`` (the input as given, joined with the walked names)
    skip_code: str | None = None
    skip_reason: str | None = None
    #: ``skipped`` (not a submission: lock files, loops) or ``failed`` (a submission that
    #: cannot be read: missing, dangling link, no permission).
    skip_status: str = "skipped"


def _utf16(s: str) -> bytes:
    return s.encode("utf-16-le")


def detect_format(data: bytes) -> str:
    """``docx``, ``pdf`` or what the bytes are instead (``doc``, ``xlsx``, ``encrypted-office``, …)."""
    if not data:
        return "empty"
    head = data[:1024]
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        names = data[-65536:]  # the zip central directory sits at the end
        if b"word/document" in names or b"word/_rels" in names:
            return "docx"
        if b"xl/workbook" in names:
            return "xlsx"
        if b"ppt/presentation" in names:
            return "pptx"
        if b"word/" in data:  # central directory beyond the tail window
            return "docx"
        return "zip"
    if b"%PDF-" in head:
        return "pdf"
    if head.startswith(OLE_MAGIC):
        if _utf16("EncryptedPackage") in data:
            return "encrypted-office"
        if _utf16("WordDocument") in data:
            return "doc"
        if _utf16("Workbook") in data or _utf16("Book") in data:
            return "xls"
        if _utf16("PowerPoint Document") in data:
            return "ppt"
        return "ole"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"GIF8", b"BM")):
        return "image"
    lowered = head.lstrip().lower()
    if lowered.startswith(b"{\\rtf"):
        return "rtf"
    if lowered.startswith(b"<?xml") and b"wordDocument" in data[:4096]:
        return "word-xml"
    if lowered.startswith(b"<html") or lowered.startswith(b"<!doctype html") or b"<html" in lowered[:512]:
        return "html"
    return "unknown"


#: What to tell the user for each format jixiao does not read.
UNSUPPORTED = {
    "empty": "the file is empty (0 bytes)",
    "doc": "a legacy Word 97-2003 .doc file: save it as .docx (or PDF) and submit again",
    "xls": "an Excel 97-2003 workbook, not a Word/PDF form",
    "xlsx": "an Excel workbook (.xlsx), not a Word/PDF form",
    "ppt": "a PowerPoint file, not a Word/PDF form",
    "pptx": "a PowerPoint file (.pptx), not a Word/PDF form",
    "encrypted-office": "a password-protected Office document: remove the password and submit again",
    "ole": "an OLE compound file that is not a Word document (WPS or other office format?)",
    "rtf": "an RTF file: save it as .docx and submit again",
    "word-xml": "a Word 2003 XML file: save it as .docx and submit again",
    "html": "a web page (Word 'save as HTML'?), not a .docx/PDF",
    "zip": "a zip archive that is not a Word document: unpack it and ingest its files",
    "image": "an image (a photographed or scanned form?): needs OCR, which jixiao does not do",
    "unknown": "not a document (neither Word .docx nor PDF by its content)",
}
#: Formats that are not submissions at all (notes, scripts, checksums): skipped, not failed.
NOT_DOCUMENTS = frozenset({"unknown"})


#: Formats jixiao parses.
PARSEABLE = frozenset({"docx", "pdf"})
#: Extensions that say "this is a submission" (used only to word the error, never to pick a parser).
DOCUMENT_EXTENSIONS = frozenset({".docx", ".doc", ".pdf", ".wps", ".docm", ".dotx"})


def refusal(path: str, fmt: str) -> tuple[str, str, str] | None:
    """(status, code, reason) for a file that is not parsed, judged by its content; None to parse.

    A file named like a submission whose content is no document (random bytes, a zip without
    word/document.xml) is a damaged upload, ``failed``; a note or a script is ``skipped``; a
    document in another format is ``failed`` with what to do about it.
    """
    if fmt in PARSEABLE:
        return None
    named_like_a_document = os.path.splitext(path)[1].lower() in DOCUMENT_EXTENSIONS
    if fmt == "zip" and named_like_a_document:
        why = "a zip archive without word/document.xml: not a complete .docx (damaged upload?)"
        return "failed", "corrupt", why
    if fmt in NOT_DOCUMENTS:
        if named_like_a_document:
            return (
                "failed",
                "corrupt",
                "named like a document but its content is neither .docx nor PDF (damaged upload?)",
            )
        return "skipped", "not_a_document", UNSUPPORTED[fmt]
    code = {"image": "needs_ocr", "empty": "empty"}.get(fmt, "unsupported_format")
    return "failed", code, UNSUPPORTED[fmt]


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _skip_reason(name: str) -> tuple[str, str] | None:
    if name.startswith("~$"):
        return "lock_file", "an Office lock file (~$…), written while a document is open; not a submission"
    if name.startswith("."):
        return "hidden", "a hidden file; not read"
    return None


def walk(inputs: list[str]) -> Iterator[Candidate]:
    """Every file under the inputs, in sorted order; each exactly once."""
    seen: set[str] = set()
    for given in inputs:
        for cand in _walk_one(given):
            if cand.path not in seen:  # the same path given twice is one file
                seen.add(cand.path)
                yield cand


def _walk_one(given: str) -> Iterator[Candidate]:
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


def read_file(path: str, max_bytes: int) -> bytes:
    """The file's bytes, refusing files larger than ``max_bytes``."""
    size = os.path.getsize(path)
    if size > max_bytes:
        raise ResourceLimit(
            f"file is {size // (1 << 20)} MiB, larger than the {max_bytes // (1 << 20)} MiB limit"
        )
    return Path(path).read_bytes()

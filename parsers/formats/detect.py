"""A file's bytes → its format, by content (magic bytes and zip/OLE member names), never by
the file's name: a .doc renamed .docx is still a .doc, a WPS document (a Word 97 binary) is a
``doc`` whatever its extension, a WPS spreadsheet (.et) is ``xls`` (BIFF) or ``xlsx``."""

from __future__ import annotations

from typing import Final

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _utf16(s: str) -> bytes:
    return s.encode("utf-16-le")


#: ODF packages name their type in a first, uncompressed ``mimetype`` member.
_ODF: Final = {
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
    b"application/vnd.oasis.opendocument.text": "odt",
}


def detect_format(data: bytes) -> str:
    """``docx``, ``pdf``, ``xlsx``, ``xls``, ``ods``, ``doc``, ``rtf``, ``image`` (PNG, JPEG, TIFF,
    BMP) or what the bytes are instead (``encrypted-office``, ``pptx``, ``gif``, …)."""
    if not data:
        return "empty"
    head = data[:1024]
    if head.startswith(b"PK\x03\x04") and head[30:38] == b"mimetype":
        for mime, fmt in _ODF.items():
            if head[38:].startswith(mime):
                return fmt
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        names = data[-65536:]  # the zip central directory sits at the end
        if b"word/document" in names or b"word/_rels" in names:
            return "docx"
        if b"xl/workbook" in names:
            return "xlsx"
        if b"ppt/presentation" in names:
            return "pptx"
        if b"word/" in data:  # central directory beyond the tail window (or cut off)
            return "docx"
        if b"xl/workbook" in data or b"xl/worksheets/" in data:
            return "xlsx"
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
    if head.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"BM")):
        return "image"  # PNG, JPEG, TIFF, BMP: read by OCR
    if head.startswith(b"GIF8"):
        return "gif"
    lowered = head.lstrip().lower()
    if lowered.startswith(b"{\\rtf"):
        return "rtf"
    if lowered.startswith(b"<?xml") and b"wordDocument" in data[:4096]:
        return "word-xml"
    if lowered.startswith(b"<html") or lowered.startswith(b"<!doctype html") or b"<html" in lowered[:512]:
        return "html"
    return "unknown"

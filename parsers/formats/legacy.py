"""Legacy Word (.doc; WPS .wps, a Word 97 binary), RTF and OpenDocument text (.odt) →
``RawDocument``, through LibreOffice.

LibreOffice is the real component for these formats: the worker's converter (``soffice``, one
office kept in the worker's ``Services``) turns the file into .docx, and the Word parser reads
that, so the tables, spans and everything after are the .docx path's. The conversion is checked:
the converted document must hold the tables LibreOffice read from the source, row for row and
cell for cell (else the file fails, never half-read), and the ``sources`` row notes that the file
was converted and by which LibreOffice (``converted``).

Refused before any conversion: a password-protected .doc (the FIB's ``fEncrypted`` bit), and an
OLE file without a readable WordDocument stream. Where LibreOffice is not installed the file
fails with ``missing_component`` and how to install it.
"""

from __future__ import annotations

import io
import struct
from collections import Counter
from typing import Final

import olefile

from parsers.formats.base import ParseOptions, Services
from parsers.formats.detect import detect_format
from parsers.formats.docx import parse_docx
from parsers.formats.soffice import Conversion, LibreOffice
from schemas.errors import ConversionFailed, CorruptDocument, EncryptedDocument
from schemas.records import RawDocument
from schemas.statuses import note

#: The ``Services`` name of the worker's LibreOffice.
SERVICE: Final = "libreoffice"
#: What each format is called in the ``converted`` note, and the extension LibreOffice gets
#: (chosen by content: a WPS file named .wps is handed over as the Word binary it is).
_KINDS: Final = {
    "doc": ("Word 97-2003/WPS (.doc/.wps)", ".doc"),
    "rtf": ("RTF (.rtf)", ".rtf"),
    "odt": ("OpenDocument (.odt)", ".odt"),
}
_WORD_MAGIC: Final = 0xA5EC
_F_ENCRYPTED: Final = 0x0100


def check_word_binary(data: bytes) -> None:
    """Refuse a .doc that LibreOffice could only fail on: damaged, or password-protected."""
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            if not ole.exists("WordDocument"):
                raise CorruptDocument("an OLE file without a WordDocument stream: not a Word document")
            fib = ole.openstream("WordDocument").read(12)
    except (OSError, struct.error, IndexError, ValueError) as e:
        raise CorruptDocument(f"not a readable Word 97-2003 file ({e})") from e
    if len(fib) < 12:
        raise CorruptDocument("the Word document stream is truncated")
    ident, flags = struct.unpack_from("<H", fib, 0)[0], struct.unpack_from("<H", fib, 10)[0]
    if ident != _WORD_MAGIC:
        raise CorruptDocument("the WordDocument stream does not start with a Word file header")
    if flags & _F_ENCRYPTED:
        raise EncryptedDocument("a password-protected Word document: remove the password and submit again")


def _check_tables(conv: Conversion, doc: RawDocument) -> None:
    """The converted .docx must hold the source's tables as LibreOffice read them."""
    source = Counter(conv.tables)
    converted = Counter((t.n_rows, len(t.cells)) for t in doc.tables)
    if source != converted:
        raise ConversionFailed(
            "the converted document's tables differ from the source's "
            f"(rows × cells: source {sorted(source.elements())}, converted {sorted(converted.elements())})"
        )


def _convert(data: bytes, fmt: str, options: ParseOptions, services: Services) -> Conversion:
    office = services.get(SERVICE, lambda: LibreOffice(options))
    if not office.alive:  # it died since the last file (killed, out of memory): start a new one
        services.drop(SERVICE)
        office = services.get(SERVICE, lambda: LibreOffice(options))
    try:
        return office.convert(data, _KINDS[fmt][1], options.convert_timeout)
    except BaseException:
        # a hang, a crash, the job's own time limit: this office is in an unknown state
        office.kill()
        services.drop(SERVICE)
        raise


def parse_legacy_word(data: bytes, options: ParseOptions, services: Services | None = None) -> RawDocument:
    """A .doc/.wps/.rtf/.odt document converted to .docx by LibreOffice, then read as .docx."""
    fmt = detect_format(data)
    if fmt not in _KINDS:
        raise CorruptDocument(f"not a Word 97-2003, WPS, RTF or OpenDocument text (its content is {fmt})")
    if fmt == "doc":
        check_word_binary(data)
    if services is None:
        with Services() as own:  # a one-off read (jixiao show): an office for this file only
            conv = _convert(data, fmt, options, own)
    else:
        conv = _convert(data, fmt, options, services)
    doc = parse_docx(conv.docx, options)
    _check_tables(conv, doc)
    kind = _KINDS[fmt][0]
    converted = note("converted", f"{kind} → .docx by {conv.by} (headless, UNO)")
    return RawDocument(fmt, doc.blocks, doc.n_pages, (converted, *doc.warnings), doc.ocr_pages)

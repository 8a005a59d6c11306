"""Parts of a zip package (.docx, .xlsx, .ods) read with the guards every untrusted package needs:
decompression capped in size and ratio (zip bombs), XML parsed without DTDs, entity expansion or
network access (billion laughs, external entities)."""

from __future__ import annotations

import zipfile
import zlib
from typing import Final

from lxml import etree

from parsers.formats.base import ParseOptions
from schemas.errors import CorruptDocument, ResourceLimit


def read_part(zf: zipfile.ZipFile, name: str, options: ParseOptions) -> bytes:
    """The part's bytes, refused past ``options.max_part_bytes`` or ``max_compression_ratio``."""
    info = zf.getinfo(name)
    limit = options.max_part_bytes
    if info.compress_size and info.file_size / info.compress_size > options.max_compression_ratio:
        raise ResourceLimit(
            f"{name} expands {info.file_size // max(info.compress_size, 1)}× when unzipped "
            f"(limit {options.max_compression_ratio}×): refused as a possible zip bomb"
        )
    try:
        with zf.open(info) as f:
            data = f.read(limit + 1)  # one read: a part past the limit is refused unread
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, zlib.error) as e:
        raise CorruptDocument(f"{name} cannot be unzipped ({type(e).__name__}: {e})") from e
    except RuntimeError as e:  # encrypted zip members
        raise CorruptDocument(f"{name} cannot be read ({e})") from e
    if len(data) > limit:
        raise ResourceLimit(f"{name} is larger than {limit // (1 << 20)} MiB unzipped: refused")
    return data


#: What libxml2 accepts without ``huge_tree`` (kept off: these limits bound the work per file).
_XML_LIMITS: Final = "256 levels of nesting, 10,000,000 bytes per text node, name or attribute"


def parse_xml(data: bytes, name: str) -> etree._Element:
    """The part as an XML tree: no DTD, no entities, no network; a failed allocation or one of
    the parser's depth and size limits is a ``ResourceLimit`` (naming the limit), malformed XML a
    ``CorruptDocument``."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True
    )
    try:
        root = etree.fromstring(data, parser)
    except MemoryError as e:
        raise ResourceLimit(f"{name} needs more memory than the parsing process may use") from e
    except etree.XMLSyntaxError as e:
        # libxml2 reports a failed allocation as an "unknown error" at line 0 (or says so)
        if "Memory allocation failed" in str(e) or "unknown error" in str(e):
            raise ResourceLimit(f"{name} needs more memory than the parsing process may use") from e
        code = getattr(e, "code", None)  # libxml2's error number (not in lxml-stubs)
        if code == etree.ErrorTypes.ERR_RESOURCE_LIMIT or "XML_PARSE_HUGE" in str(e):
            said = " ".join(str(e).split())
            raise ResourceLimit(f"{name} exceeds a limit of the XML parser ({_XML_LIMITS}): {said}") from e
        raise CorruptDocument(f"{name} is not well-formed XML ({e})") from e
    docinfo = root.getroottree().docinfo
    if docinfo.internalDTD is not None or docinfo.doctype:
        raise ResourceLimit(f"{name} declares a DTD/entities, which Office never writes: refused")
    return root

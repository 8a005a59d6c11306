"""The format → parser registry: a plain dict."""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from parsers.formats.base import Parser
from parsers.formats.docx import parse_docx
from parsers.formats.image import parse_image
from parsers.formats.legacy import parse_legacy_word
from parsers.formats.ods import parse_ods
from parsers.formats.pdf import parse_pdf
from parsers.formats.xls import parse_xls
from parsers.formats.xlsx import parse_xlsx

PARSERS: Final[MappingProxyType[str, Parser]] = MappingProxyType(
    {
        "docx": parse_docx,
        "pdf": parse_pdf,
        # spreadsheets: .xlsx/.xlsm (and .et saved as OOXML), .xls/.et (BIFF), .ods
        "xlsx": parse_xlsx,
        "xls": parse_xls,
        "ods": parse_ods,
        # legacy Word (.doc, WPS .wps), RTF and OpenDocument text (.odt, as LibreOffice and WPS
        # save it): converted to .docx by LibreOffice, then read as .docx
        "doc": parse_legacy_word,
        "rtf": parse_legacy_word,
        "odt": parse_legacy_word,
        # scanned or photographed forms (.jpg, .png, .tif, .bmp): read by OCR
        "image": parse_image,
    }
)

"""The format → parser registry: a plain dict."""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from parsers.formats.base import Parser
from parsers.formats.docx import parse_docx
from parsers.formats.pdf import parse_pdf

PARSERS: Final[MappingProxyType[str, Parser]] = MappingProxyType({"docx": parse_docx, "pdf": parse_pdf})

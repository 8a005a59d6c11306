"""The exception tree. Each class says when it is raised and carries a stable ``code``.

``InputError`` and its subclasses mean *the file* is bad (corrupt, encrypted, not a form, too
large): the batch records it in ``sources`` and goes on. Any other exception escaping a parser is
an internal defect: it is recorded too (code ``internal``), and ``--fail-fast`` re-raises it.
"""

from __future__ import annotations


class JixiaoError(Exception):
    """Base of every error jixiao raises on purpose."""

    code = "error"


class InputError(JixiaoError):
    """Raised when an input file cannot be read as a submission."""

    code = "bad_input"


class UnsupportedFormat(InputError):
    """Raised when the file's content is not a format jixiao reads (checked by magic bytes)."""

    code = "unsupported_format"


class CorruptDocument(InputError):
    """Raised when a .docx/.pdf is truncated or structurally broken."""

    code = "corrupt"


class EncryptedDocument(InputError):
    """Raised when a document is password-protected."""

    code = "encrypted"


class NeedsOCR(InputError):
    """Raised when a PDF has no usable text layer (a scan, or glyphs without a Unicode mapping)."""

    code = "needs_ocr"


class ResourceLimit(InputError):
    """Raised when a file would exceed a size, memory or expansion limit (zip/XML bombs)."""

    code = "resource_limit"


class ConversionFailed(InputError):
    """Raised when LibreOffice cannot convert a legacy document (it refuses, crashes or changes
    the tables)."""

    code = "conversion_failed"


class MissingComponent(InputError):
    """Raised when a format needs a component that is not installed (LibreOffice for .doc/.wps);
    the message says how to install it."""

    code = "missing_component"


class ParseTimeout(InputError):
    """Raised when parsing one file exceeds its time limit."""

    code = "timeout"


class ConfigurationError(JixiaoError):
    """Raised when the run is asked for something this installation cannot do (a missing extra)."""

    code = "configuration"


class DatasetError(JixiaoError):
    """Raised when the output directory is not a jixiao dataset or cannot be written."""

    code = "dataset"

"""The exception tree. Each class says when it is raised and carries a stable ``code``.

``InputError`` and its subclasses mean *the file* is bad (corrupt, encrypted, not a form, too
large): the batch records it in ``sources`` and goes on. Any other exception escaping a parser is
an internal defect: it is recorded too (code ``internal``), and ``--fail-fast`` re-raises it.
"""

from __future__ import annotations

import errno
import re


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


class UsageError(JixiaoError):
    """Raised when the command line asks for something that cannot be done (a missing input, a
    form index the file does not have, an output path under a file): the run stops before it
    starts, with one line in Chinese and English, exit code 2."""

    code = "usage"

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} — {en}")
        self.zh, self.en = zh, en


class DatasetError(JixiaoError):
    """Raised when the output directory is not a jixiao dataset or cannot be written."""

    code = "dataset"


#: A run-level failure of the file system, by errno: what to tell the operator (Chinese, English).
_OS_REASONS = {
    errno.ENOSPC: ("磁盘空间已满", "no space left on the device"),
    errno.EDQUOT: ("超出磁盘配额", "disk quota exceeded"),
    errno.EROFS: ("文件系统为只读", "read-only file system"),
    errno.EACCES: ("没有写入权限", "permission denied"),
    errno.EPERM: ("不允许的操作", "operation not permitted"),
    errno.ENOTDIR: ("路径中有一段是文件而非文件夹", "a part of the path is a file, not a folder"),
    errno.EEXIST: ("已有同名文件", "a file of that name exists"),
    errno.EIO: ("磁盘读写错误", "input/output error"),
    errno.EMFILE: ("打开的文件过多", "too many open files"),
}


def os_errno(e: OSError) -> int | None:
    """The errno of an OSError; pyarrow's I/O errors carry it only in their text ("[errno 28]")."""
    if e.errno is not None:
        return e.errno
    found = re.search(r"\[errno (\d+)\]", str(e), re.IGNORECASE)
    return int(found.group(1)) if found else None


def dataset_failure(e: OSError, doing_zh: str, doing_en: str) -> DatasetError:
    """A ``DatasetError`` for an OSError while writing a dataset: one line, Chinese and English,
    saying what failed, why, and that the dataset was left as it was."""
    code = os_errno(e)
    zh, en = _OS_REASONS.get(code or -1, ("文件系统错误", e.strerror or str(e)))
    where = f" ({e.filename})" if e.filename else ""
    return DatasetError(
        f"{doing_zh}失败：{zh}，数据集保持原样 — {doing_en} failed: {en}{where}; the dataset is unchanged"
    )

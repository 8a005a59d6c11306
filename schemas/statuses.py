"""Why a file was not read (or read in part), declared once: ``sources.error_code`` → its status,
whether the next run tries the same bytes again, and the reason in Chinese and in English.

The runner's retry set, the report's and the workbook's wording and the run summary all derive
from this table; a code used anywhere must be declared here (a test checks it).

Retry policy (``retry``), applied by ``batch.plan`` to a file whose bytes did not change:

* ``next_run`` — transient: the failure is not a property of the bytes (the file changed or
  vanished while the run read it, could not be read, the parsing process died): the next run
  parses the file again;
* ``once`` — a timeout, or an error jixiao cannot classify (``internal``): retried by the next
  run once (the machine may have been busy); when the same bytes fail again it is kept
  (``sources.attempts`` counts the runs in a row that parsed them);
* ``never`` — permanent: the bytes themselves are the reason (corrupt, encrypted, unsupported,
  over a size or memory limit, not a form): the file is parsed again only when its bytes change
  or with ``--reprocess``.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Final, Literal

from schemas.records import SourceStatus

Retry = Literal["next_run", "once", "never"]


@dataclass(frozen=True, slots=True)
class Code:
    code: str
    #: The status of a file whose only outcome is this code (``needs_ocr`` and
    #: ``incomplete_form`` also mark files read in part: ``partial``).
    status: SourceStatus
    retry: Retry
    zh: str
    en: str


_CODES: Final = (
    # the bytes
    Code("corrupt", "failed", "never", "文件损坏", "the file is damaged"),
    Code("encrypted", "failed", "never", "有密码保护", "password-protected"),
    Code("needs_ocr", "failed", "never", "需要OCR（无文字层）", "no text layer: needs OCR"),
    Code("unsupported_format", "failed", "never", "不支持的格式", "a format jixiao does not read"),
    Code("empty", "failed", "never", "空文件", "the file is empty"),
    Code("resource_limit", "failed", "never", "超出资源限制", "exceeds a size, depth or memory limit"),
    Code("bad_input", "failed", "never", "输入有误", "bad input"),
    Code("incomplete_form", "partial", "never", "表单不完整", "a form lacks its funds or indicators"),
    Code(
        "conversion_failed",
        "failed",
        "never",
        "LibreOffice无法转换该文件",
        "LibreOffice could not convert the file",
    ),
    # what the file holds
    Code("no_form", "skipped", "never", "未找到项目支出绩效自评表", "no 项目支出绩效自评表 in the file"),
    Code("not_a_document", "skipped", "never", "不是Word或PDF文档", "not a document"),
    Code("duplicate", "skipped", "never", "与另一文件内容相同", "the same content as another file"),
    # the file system
    Code("missing", "failed", "next_run", "文件不存在", "no such file"),
    Code(
        "gone",
        "missing",
        "next_run",
        "文件已不在输入中（此前的运行读取过，其数据保留，--prune 删除）",
        "gone from the inputs since an earlier run (its rows are kept; --prune drops them)",
    ),
    Code("unreadable", "failed", "next_run", "无法读取", "cannot be read"),
    Code("broken_symlink", "failed", "next_run", "失效的链接", "a link to a file that does not exist"),
    Code("symlink_loop", "skipped", "never", "循环链接", "a symlink loop"),
    Code("not_a_file", "skipped", "never", "不是普通文件", "not a regular file"),
    Code("lock_file", "skipped", "never", "Office临时锁文件", "an Office lock file"),
    Code("hidden", "skipped", "never", "隐藏文件", "a hidden file"),
    # the run
    Code("changed", "failed", "next_run", "读取期间文件被修改", "the file changed while it was read"),
    Code("timeout", "failed", "once", "解析超时", "parsing took too long"),
    # datasets before schema 1.4 (memory exhaustion is now resource_limit): retried, reclassified
    Code("memory", "failed", "next_run", "超出内存限制", "parsing needed more memory than allowed"),
    Code("worker_lost", "failed", "next_run", "解析进程异常退出", "the parsing process died"),
    Code("internal", "failed", "once", "内部错误", "an internal error of jixiao"),
    # the installation (installing the component changes the outcome: tried again)
    Code(
        "missing_component",
        "failed",
        "next_run",
        "缺少读取该格式所需的组件",
        "a component this format needs is not installed",
    ),
)

#: Notes on how a file was read (``sources.warnings``, as ``note(code, detail)`` writes them): the
#: file is read, and the note says what an auditor should know about how.
_NOTES: Final = (
    Code(
        "converted",
        "ok",
        "never",
        "经LibreOffice转换为.docx后读取",
        "converted to .docx by LibreOffice, then read",
    ),
    Code(
        "sheet_skipped",
        "ok",
        "never",
        "工作表未读取",
        "a worksheet was not read (hidden, or too large to be a form)",
    ),
    Code("hidden_cells", "ok", "never", "隐藏的行或列未读取", "hidden rows or columns were not read"),
    Code(
        "formula_no_value",
        "ok",
        "never",
        "公式没有保存的计算结果（未计算，按空白处理）",
        "a formula without a saved result (not computed: blank)",
    ),
    Code(
        "display_rounded",
        "ok",
        "never",
        "单元格显示的位数少于其存储值",
        "cells display fewer digits than they hold",
    ),
    Code(
        "number_format_unknown",
        "ok",
        "never",
        "无法识别的数字格式（按常规格式显示）",
        "a number format jixiao does not render (shown as General)",
    ),
)
NOTES: Final = MappingProxyType({c.code: c for c in _NOTES})

CODES: Final = MappingProxyType({c.code: c for c in _CODES})
if len(CODES) != len(_CODES) or len(NOTES) != len(_NOTES) or set(CODES) & set(NOTES):
    raise ValueError("duplicate status code")  # pragma: no cover - a declaration error, caught at import

#: Codes whose files the next run parses again although their bytes did not change.
RETRIED: Final = frozenset(c.code for c in _CODES if c.retry == "next_run")
#: Codes retried by one more run, then kept for those bytes.
RETRIED_ONCE: Final = frozenset(c.code for c in _CODES if c.retry == "once")


def retried(code: str | None, attempts: int | None) -> bool:
    """Whether the next run parses a file again whose bytes did not change, given its code and
    how many runs in a row parsed those bytes (None: never parsed). An unknown code is retried."""
    if code is None:
        return False
    if code in RETRIED or code not in CODES:
        return True
    return code in RETRIED_ONCE and (attempts or 1) < 2


#: The status of a file, in Chinese.
STATUS_ZH: Final = MappingProxyType(
    {
        "ok": "已读取",
        "partial": "部分读取",
        "failed": "读取失败",
        "skipped": "已跳过",
        "missing": "已不在输入中",
    }
)


def note(code: str, detail: str) -> str:
    """A ``sources.warnings`` entry: the note's code, its Chinese wording and the detail."""
    return f"{code}: {NOTES[code].zh}：{detail}"


def reason_zh(code: str | None) -> str:
    """The Chinese reason for a code (an unknown code is shown as it is)."""
    if code is None:
        return ""
    known = CODES.get(code)
    return known.zh if known is not None else code


#: An auditor's decision about a finding (``reviews.status``), in Chinese: the finding is
#: confirmed (确认), explained away by the unit (已说明), or corrected by the unit (已整改).
REVIEW_STATUS_ZH: Final = MappingProxyType({"confirmed": "确认", "dismissed": "已说明", "fixed": "已整改"})
#: A decision whose finding no longer exists (the file was resubmitted without it).
STALE_ZH: Final = "已失效（问题已不存在）"
_REVIEW_WORDS: Final = MappingProxyType(
    {
        **{code: code for code in REVIEW_STATUS_ZH},
        **{zh: code for code, zh in REVIEW_STATUS_ZH.items()},
        "确认问题": "confirmed",
        "已确认": "confirmed",
        "说明": "dismissed",
        "整改": "fixed",
    }
)


def review_status(text: str | None) -> str | None:
    """The status code a person wrote (确认 / 已说明 / 已整改, or confirmed / dismissed / fixed, in
    any case, spaces ignored), or None when it is none of them."""
    if text is None:
        return None
    word = "".join(str(text).split())
    return _REVIEW_WORDS.get(word) or _REVIEW_WORDS.get(word.lower())
def bilingual(code: str | None, error: str | None) -> str | None:
    """``sources.error`` as stored and shown: the code's Chinese reason, then the English detail
    ("文件损坏：not a readable .docx …"). Idempotent: a text that already starts with the Chinese
    reason is returned as it is."""
    if error is None or code is None:
        return error
    zh = reason_zh(code)
    if zh == code or error.startswith(zh):
        return error
    return f"{zh}：{error}"

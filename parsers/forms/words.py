"""Words of indicator names and goal texts (jieba), for term search and label matching.

``tokenizer()`` builds one jieba ``Tokenizer`` per process with the budget-performance dictionary
of ``schemas.terms`` (memoised: building the prefix dictionary takes about a second).
``form_terms`` gives the rows of the ``terms`` table; ``query_terms`` segments a search the
same way; ``best_label`` matches an unfamiliar 一级/二级 label to the canonical one it shares the
most meaningful words with.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable, Iterator
from typing import Any

from schemas.records import Form
from schemas.terms import DOMAIN_TERMS, STOP_TERMS


@functools.lru_cache(maxsize=1)
def tokenizer() -> Any:
    import jieba

    logging.getLogger("jieba").setLevel(logging.WARNING)  # it logs its dictionary build at DEBUG
    tok = jieba.Tokenizer()
    for word in DOMAIN_TERMS:
        tok.add_word(word, freq=100000)
    return tok


def _keep(term: str) -> bool:
    term = term.strip()
    if len(term) < 2 or term in STOP_TERMS:
        return False
    return any(ch.isalpha() for ch in term)  # not a number, not punctuation


@functools.lru_cache(maxsize=65536)
def terms_of(text: str) -> tuple[str, ...]:
    """Distinct searchable words of a text, in first-seen order (search-engine mode: a long word
    and its parts, e.g. 扬尘治理, 扬尘, 治理)."""
    seen: dict[str, None] = {}
    for term in tokenizer().cut_for_search(text):
        if _keep(term):
            seen.setdefault(term.strip(), None)
    return tuple(seen)


def query_terms(query: str) -> tuple[str, ...]:
    """The words a search asks for (each must be found): whole words, not their parts."""
    out: dict[str, None] = {}
    for part in query.split():
        words = [w for w in tokenizer().lcut(part) if _keep(w)]
        for w in words or ([part] if part.strip() else []):
            out.setdefault(w, None)
    return tuple(out)


def form_terms(form: Form) -> Iterator[tuple[str, int | None, str]]:
    """(field, indicator seq, term) for a form's project name, goals and indicator names."""
    for field, text in (
        ("project_name", form.project_name),
        ("goal_expected", form.goal_expected),
        ("goal_actual", form.goal_actual),
    ):
        for term in terms_of(text or ""):
            yield field, None, term
    for ind in form.indicators:
        for term in terms_of(ind.level3 or ""):
            yield "level3", ind.seq, term


def best_label(label: str, candidates: Iterable[str]) -> str | None:
    """The candidate sharing the most words with ``label`` ("经济效益类指标" → 经济效益指标),
    or None when none shares a word or two tie."""
    words = set(terms_of(label))
    if not words:
        return None
    scored = sorted(((len(words & set(terms_of(c))), c) for c in candidates), reverse=True)
    if not scored or scored[0][0] == 0 or (len(scored) > 1 and scored[1][0] == scored[0][0]):
        return None
    return scored[0][1]

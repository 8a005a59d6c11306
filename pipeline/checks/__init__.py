"""Execution of the scoring rules declared in ``schemas.rules`` (one function per rule id).

Every rule runs on every form; every violation is a ``Finding`` (never an exception). A rule
that cannot be evaluated (a value missing or not a number) reports nothing: the match warnings
already say what is missing. Numbers are the form's as printed; derived values (rates, formula
scores) are computed exactly and only rounded in messages.
"""

from __future__ import annotations

from types import MappingProxyType

from pipeline.checks import audit, blanks
from pipeline.checks.context import Check, Context, totals
from pipeline.checks.form import grade_mismatch, level1_missing, level1_weight, total_score, weight_sum
from pipeline.checks.funds import (
    exec_over_budget,
    exec_rate,
    exec_score,
    exec_score_blank,
    exec_score_under,
    funds_sum,
)
from pipeline.checks.indicators import (
    deviation_missing,
    overshoot,
    qual_score,
    qual_under,
    quant_score,
    quant_under,
    score_range,
)
from schemas.profiles import Profile
from schemas.records import CheckedForm, Finding, Form
from schemas.rules import FORM_RULES

_FUNCTIONS: dict[str, Check] = {
    "EXEC_RATE": exec_rate,
    "EXEC_SCORE": exec_score,
    "SCORE_RANGE": score_range,
    "WEIGHT_SUM": weight_sum,
    "TOTAL_SCORE": total_score,
    "DEVIATION_MISSING": deviation_missing,
    "FUNDS_SUM": funds_sum,
    "EXEC_OVER_BUDGET": exec_over_budget,
    "LEVEL1_WEIGHT": level1_weight,
    "LEVEL1_MISSING": level1_missing,
    "IND_QUANT_SCORE": quant_score,
    "IND_QUAL_BAND": qual_score,
    "IND_OVERSHOOT": overshoot,
    "GRADE_MISMATCH": grade_mismatch,
    "EXEC_SCORE_UNDER": exec_score_under,
    "EXEC_SCORE_BLANK": exec_score_blank,
    "TOTAL_BLANK": blanks.total_blank,
    "IND_QUANT_UNDER": quant_under,
    "IND_SCORE_BLANK": blanks.ind_score_blank,
    "IND_ACTUAL_BLANK": blanks.ind_actual_blank,
    "IND_QUANT_TEXT": audit.quant_text,
    "IND_QUAL_UNDER": qual_under,
    "FULL_MARKS_SHORTFALL": audit.full_marks_shortfall,
    "DEADLINE_LATE": audit.deadline_late,
    "COST_VS_EXEC": audit.cost_vs_exec,
    "EXEC_LOW_FULL_OUTPUT": audit.exec_low_full_output,
    "COST_MISSING": audit.cost_missing,
    "WEIGHT_CONCENTRATION": audit.weight_concentration,
    "SATISFACTION_NO_RATE": audit.satisfaction_no_rate,
    "TEMPLATE_LEFTOVER": audit.template_leftover,
}
#: Rule id → its check, in rule declaration order.
if set(_FUNCTIONS) != {r.id for r in FORM_RULES}:  # pragma: no cover - a declaration error, caught at import
    raise ValueError("every declared rule needs exactly one check")
CHECKS: MappingProxyType[str, Check] = MappingProxyType({r.id: _FUNCTIONS[r.id] for r in FORM_RULES})


def check_form(form: Form, profile: Profile) -> CheckedForm:
    """The form with all its findings (in rule declaration order) and its derived totals."""
    t = totals(form, profile)
    out: list[Finding] = []
    for rule in FORM_RULES:
        out.extend(CHECKS[rule.id](Context(form, t, profile, rule)))
    return CheckedForm(form, tuple(out), t, profile.name)

"""Execution of the scoring rules declared in ``schemas.rules`` (one function per rule id).

Every rule runs on every form; every violation is a ``Finding`` (never an exception). A rule
that cannot be evaluated (a value missing or not a number) reports nothing: the match warnings
already say what is missing. Numbers are the form's as printed; derived values (rates, formula
scores) are computed exactly and only rounded in messages.
"""

from __future__ import annotations

from types import MappingProxyType

from pipeline.checks.context import Check, Context, totals
from pipeline.checks.form import grade_mismatch, level1_missing, level1_weight, total_score, weight_sum
from pipeline.checks.funds import exec_over_budget, exec_rate, exec_score, funds_sum
from pipeline.checks.indicators import deviation_missing, overshoot, qual_score, quant_score, score_range
from schemas.profiles import Profile
from schemas.records import CheckedForm, Finding, Form
from schemas.rules import RULES

CHECKS: MappingProxyType[str, Check] = MappingProxyType(
    {
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
    }
)
if set(CHECKS) != {r.id for r in RULES}:  # pragma: no cover - a declaration error, caught at import
    raise ValueError("every declared rule needs exactly one check")


def check_form(form: Form, profile: Profile) -> CheckedForm:
    """The form with all its findings (in rule declaration order) and its derived totals."""
    t = totals(form, profile)
    out: list[Finding] = []
    for rule in RULES:
        out.extend(CHECKS[rule.id](Context(form, t, profile, rule)))
    return CheckedForm(form, tuple(out), t, profile.name)

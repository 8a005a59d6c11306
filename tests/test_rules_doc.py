"""docs/rules.md keeps up with the code: one ``### ID`` section per declared rule (in declaration
order, no section for a rule that does not exist), its severity in the summary table as declared,
one ``### name`` section per profile, and every ``docs/rules.md#anchor`` the code links to exists."""

from __future__ import annotations

import re

import pytest

from schemas.profiles import PROFILES
from schemas.rules import RULES, RULES_BY_ID
from tests.conftest import ROOT

DOC = ROOT / "docs" / "rules.md"


def sections(text: str) -> dict[str, list[str]]:
    """``## `` heading → the ``### `` headings under it, in order (fenced code ignored)."""
    out: dict[str, list[str]] = {}
    current: list[str] | None = None
    fenced = False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif fenced:
            continue
        elif line.startswith("## "):
            current = out.setdefault(line[3:].strip(), [])
        elif line.startswith("### ") and current is not None:
            current.append(line[4:].strip())
    return out


def anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


@pytest.fixture(scope="module")
def doc() -> dict[str, list[str]]:
    return sections(DOC.read_text(encoding="utf-8"))


def test_every_rule_has_a_section_and_every_section_a_rule(doc: dict[str, list[str]]) -> None:
    documented = doc["Rules"]
    missing = [r.id for r in RULES if r.id not in documented]
    unknown = [h for h in documented if h not in RULES_BY_ID]
    assert not missing, f"docs/rules.md has no '### ID' section for {missing}"
    assert not unknown, f"docs/rules.md documents rules that do not exist: {unknown}"
    assert len(documented) == len(set(documented)), "a rule is documented twice"


def test_rule_sections_follow_the_declaration_order(doc: dict[str, list[str]]) -> None:
    assert doc["Rules"] == [r.id for r in RULES]


def test_the_summary_table_gives_each_rule_its_declared_severity() -> None:
    text = DOC.read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| \[([A-Z0-9_]+)\]\(#[a-z0-9_]+\) \| (error|warning) \|", text, re.M))
    assert rows == {r.id: r.severity for r in RULES}


def test_every_profile_has_a_section(doc: dict[str, list[str]]) -> None:
    missing = [name for name in PROFILES if name not in doc["Profiles"]]
    assert not missing, f"docs/rules.md has no '### name' section for the profiles {missing}"


def test_every_link_into_the_rules_doc_has_its_anchor(doc: dict[str, list[str]]) -> None:
    anchors = {anchor(h) for top, subs in doc.items() for h in (top, *subs)}
    files = [p for top in ("schemas", "parsers", "pipeline") for p in (ROOT / top).rglob("*.py")]
    files += [ROOT / "README.md", ROOT / "sample_docs" / "README.md"]
    linked = {
        (str(p.relative_to(ROOT)), m)
        for p in files
        for m in re.findall(r"rules\.md#([\w-]+)", p.read_text(encoding="utf-8"))
    }
    assert linked, "no links found: the pattern no longer matches how the code links to the doc"
    broken = sorted((path, a) for path, a in linked if a not in anchors)
    assert not broken, f"links to docs/rules.md anchors that do not exist: {broken}"

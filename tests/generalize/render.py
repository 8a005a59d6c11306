"""A content in a template variant → .docx bytes (WordprocessingML written here, see tablexml).

The plain rendering (no knob) is the national template (财预〔2020〕10号 附1, as
``sample_docs/build/layout.py`` draws it): 9 grid columns, 项目名称 / 主管部门 | 实施单位, the
funds block under 项目资金（万元）, the goal block with its labels on top, the indicator block
under 绩效指标, the 总分 row. Each knob (``variants.KNOBS``) changes one thing real templates
change; the docstrings of the block builders say how.

A block is built in *logical* columns (``LCell.c0``/``c1`` index the block's own column edges,
``Block.bounds`` in twips); ``_place`` turns it into physical rows, cutting every row
differently when the grid is fine (a cell merged down keeps its edges in every row it spans).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from functools import cache

from tests.generalize.content import Content, IndRow, split_target
from tests.generalize.sheet import XLS_COLUMNS, workbook
from tests.generalize.tablexml import LINE_WIDTH, PCell, PRow, document, paragraph, table_xml
from tests.generalize.variants import (
    EXTRA_COLUMNS,
    FUND_LABELS,
    FUND_ORDERS,
    GOAL_BLOCK_LABELS,
    GOAL_LABELS,
    HEAD_LABELS,
    IND_LABELS,
    IND_ORDERS,
    MONEY_LABELS,
    TOTAL_LABELS,
    Variant,
)

#: The national template's column widths (cm), as sample_docs/build/layout.py draws them.
NATIONAL_WIDTHS = (1.0, 1.6, 1.7, 4.2, 1.9, 1.9, 1.1, 1.1, 3.2)
NATIONAL_IND = {
    "l1": "一级指标",
    "l2": "二级指标",
    "l3": "三级指标",
    "target": "年度\n指标值",
    "actual": "实际\n完成值",
    "weight": "分值",
    "score": "得分",
    "note": "偏差原因分析及改进措施",
}
NATIONAL_FUND = {
    "initial": "年初预算数",
    "full_year": "全年预算数",
    "executed": "全年执行数",
    "weight": "分值",
    "rate": "执行率",
    "score": "得分",
}
#: Widths (cm) of indicator columns by kind, for blocks that are not the national 9 columns.
KIND_WIDTH = {
    "side": 0.9, "seq": 0.8, "l1": 1.5, "l2": 1.6, "l3": 3.6, "target": 1.8, "op": 0.9,
    "value": 1.2, "unit": 0.9, "actual": 1.8, "weight": 1.0, "score": 1.0, "note": 2.8,
}  # fmt: skip
FUND_SUFFIX = {"full_year": "（A）", "executed": "（B）", "rate": "（B/A）"}


@cache
def _converter(config: str) -> object:
    import opencc

    return opencc.OpenCC(config)


def traditional(text: str) -> str:
    """Simplified → traditional Chinese, as a submitter retyping the form in 繁體 would print it."""
    return str(_converter("s2t").convert(text)) if text else text  # type: ignore[attr-defined]


def simplified(text: str) -> str:
    return str(_converter("t2s").convert(text)) if text else text  # type: ignore[attr-defined]


@dataclass(slots=True)
class LCell:
    text: str
    c0: int
    c1: int
    rs: int = 1
    value: bool = False  # a value cell (may be split by hand, may be dropped when empty)
    total: bool = False  # a total of the column above (see tablexml.PCell)


@dataclass(slots=True)
class Block:
    name: str
    bounds: list[int]
    rows: list[list[LCell]] = field(default_factory=list)
    #: Rows of the block that hold values (ragged rows and stray splits happen there).
    body: set[int] = field(default_factory=set)


def bounds_of(widths: list[float] | tuple[float, ...], total: int = LINE_WIDTH) -> list[int]:
    scale = total / sum(widths)
    out, x = [0], 0.0
    for w in widths:
        x += w * scale
        out.append(round(x))
    out[-1] = total
    return out


@dataclass(frozen=True, slots=True)
class Leaf:
    """A leaf column of a header band: what it holds, the labels above it (top first), its width."""

    kind: str
    path: tuple[str, ...]
    width: float


def band_rows(leaves: list[Leaf], depth: int, first_col: int = 0) -> list[list[LCell]]:
    """The header rows of a band: a label over adjacent leaves that share it is one cell; a
    leaf whose path is shorter than the band is merged down to the band's last row."""
    rows: list[list[LCell]] = [[] for _ in range(depth)]
    for level in range(depth):
        i = 0
        while i < len(leaves):
            path = leaves[i].path
            if len(path) <= level:
                i += 1
                continue
            j = i + 1
            while (
                j < len(leaves)
                and len(leaves[j].path) > level + 1
                and len(path) > level + 1
                and leaves[j].path[: level + 1] == path[: level + 1]
            ):
                j += 1
            rs = 1 if len(path) > level + 1 else depth - level
            rows[level].append(LCell(path[level], first_col + i, first_col + j, rs))
            i = j
    return rows


class _Renderer:
    def __init__(self, content: Content, variant: Variant) -> None:
        self.c = content
        self.v = variant
        self.rng = random.Random(f"render-{variant.seed}-{variant.content}")
        self.national = bounds_of(NATIONAL_WIDTHS)

    # ------------------------------------------------------------------------------ labels
    def _labels(self, knob: str, pools: dict[str, tuple[tuple[str, ...], tuple[str, ...]]],
                national: dict[str, str]) -> dict[str, str]:  # fmt: skip
        how = self.v.get(knob)
        if how is None:
            return dict(national)
        fields = sorted(pools)
        novel = {f for f in fields if self.rng.random() < 0.5} if how == "novel" else set()
        if how == "novel" and not novel:
            novel = {self.rng.choice(fields)}
        out = {}
        for f in fields:
            listed, unlisted = pools[f]
            others = [x for x in listed if x != national[f].replace("\n", "")] or list(listed)
            out[f] = self.rng.choice(unlisted if f in novel else others)
        return out

    def _pick(self, knob: str, pools: tuple[tuple[str, ...], tuple[str, ...]], national: str) -> str:
        return self._labels(knob, {"x": pools}, {"x": national})["x"]

    def _widths(self, widths: list[float] | tuple[float, ...]) -> list[int]:
        """Column edges of a block; its own, cut unlike its neighbours', when per_block_columns."""
        if self.v.has("per_block_columns"):
            widths = [w * self.rng.uniform(0.6, 1.6) for w in widths]
        return bounds_of(widths)

    # ------------------------------------------------------------------------------ blocks
    def head(self) -> Block:
        labels = self._labels(
            "head_labels", HEAD_LABELS, {"project": "项目名称", "department": "主管部门", "unit": "实施单位"}
        )
        b = Block("head", self._widths(NATIONAL_WIDTHS))
        b.rows.append([LCell(labels["project"], 0, 1), LCell(self.c.project_name, 1, 9, value=True)])
        b.rows.append(
            [
                LCell(labels["department"], 0, 1),
                LCell(self.c.department, 1, 4, value=True),
                LCell(labels["unit"], 4, 6),
                LCell(self.c.unit, 6, 9, value=True),
            ]
        )
        return b

    def funds(self) -> Block:
        """项目资金: the money label merged down the block, the line labels, the value columns in
        the knob's order (年初预算数 dropped when no_initial; 分值/得分 moved to a sub-line under
        the lines when fund_score_subline), under a one- to three-row header band."""
        order = [f for f in FUND_ORDERS[self.v.get("fund_order") or "national"]]
        if self.v.has("no_initial"):
            order.remove("initial")
        subline = self.v.has("fund_score_subline")
        if subline:
            order = [f for f in order if f not in ("weight", "score")]
        labels = self._labels("fund_labels", FUND_LABELS, NATIONAL_FUND)
        depth = {"2_rows": 2, "3_rows": 3}.get(self.v.get("fund_band") or "", 1)
        leaves = []
        for f in order:
            path: tuple[str, ...] = (labels[f],)
            if depth >= 2 and f in FUND_SUFFIX:
                path += (FUND_SUFFIX[f],)
            if depth == 3 and f in ("initial", "full_year", "executed"):
                path = ("预算执行情况", *path)
            leaves.append(Leaf(f, path, 1.0))
        depth = max(len(leaf.path) for leaf in leaves)
        k = len(order)
        if self.v.has("per_block_columns"):
            bounds = self._widths([1.0, 2.6] + [1.5] * k)
        else:  # on the national grid: values in the last k columns, the line label before them
            n = self.national
            bounds = [n[0], n[1], n[9 - k], *n[10 - k :]]
        unit = self.c.money_unit
        money = self._pick("fund_labels", MONEY_LABELS, "项目资金") + f"\n（{unit}）"
        n_lines = len(self.c.funds) + (1 if subline else 0)
        b = Block("funds", bounds)
        head = band_rows(leaves, depth, first_col=2)
        head[0] = [LCell(money, 0, 1, rs=depth + n_lines), LCell("", 1, 2, rs=depth), *head[0]]
        b.rows += head
        for line in self.c.funds:
            b.body.add(len(b.rows))
            values = [LCell(getattr(line, f), 2 + i, 3 + i, value=True) for i, f in enumerate(order)]
            b.rows.append([LCell(line.label, 1, 2), *values])
        if subline:
            total = self.c.funds[0]
            b.body.add(len(b.rows))
            b.rows.append(
                [
                    LCell("分值", 1, 2),
                    LCell(total.weight, 2, 3, value=True),
                    LCell("得分", 3, 4),
                    LCell(total.score, 4, 2 + k, value=True),
                ]
            )
        return b

    def goal(self) -> Block:
        """年度总体目标: labels on top of the texts (national, or without the block label), or
        label-left/value-right (with or without the block label)."""
        layout = self.v.get("goal_layout") or "national"
        labels = self._labels("goal_labels", GOAL_LABELS, {"expected": "预期目标", "actual": "实际完成情况"})
        block_label = self.rng.choice(GOAL_BLOCK_LABELS) if layout != "national" else "年度总体目标"
        exp, act = self.c.goal
        b = Block("goal", self._widths(NATIONAL_WIDTHS))
        if layout == "national":
            b.rows.append(
                [
                    LCell(block_label, 0, 1, rs=2),
                    LCell(labels["expected"], 1, 5),
                    LCell(labels["actual"], 5, 9),
                ]
            )
            b.rows.append([LCell(exp, 1, 5, value=True), LCell(act, 5, 9, value=True)])
        elif layout == "labels_on_top":
            b.rows.append([LCell(labels["expected"], 0, 4), LCell(labels["actual"], 4, 9)])
            b.rows.append([LCell(exp, 0, 4, value=True), LCell(act, 4, 9, value=True)])
        elif layout == "label_left":
            b.rows.append(
                [
                    LCell(block_label, 0, 1, rs=2),
                    LCell(labels["expected"], 1, 3),
                    LCell(exp, 3, 9, value=True),
                ]
            )
            b.rows.append([LCell(labels["actual"], 1, 3), LCell(act, 3, 9, value=True)])
        else:
            b.rows.append([LCell(labels["expected"], 0, 2), LCell(exp, 2, 9, value=True)])
            b.rows.append([LCell(labels["actual"], 0, 2), LCell(act, 2, 9, value=True)])
        return b

    def _ind_leaves(self) -> tuple[list[Leaf], int]:
        labels = self._labels("ind_labels", IND_LABELS, NATIONAL_IND)
        band = self.v.get("ind_band")
        extras = [e for e in (self.v.get("extra_columns") or "").split("+") if e]
        where = {EXTRA_COLUMNS[e][1]: e for e in extras}
        top = ("绩效指标完成情况",) if band == "3_rows" else ()

        def extra(pos: str) -> list[Leaf]:
            e = where.get(pos)
            if e is None:
                return []
            over = top if pos in ("before_actual", "after_weight") else ()  # inside the band
            return [Leaf(f"extra:{e}", (*over, EXTRA_COLUMNS[e][0]), 1.4 if e != "seq" else 0.8)]

        leaves = [Leaf("side", ("绩\n效\n指\n标",), KIND_WIDTH["side"]), *extra("before_l1")]
        leaves += [Leaf(k, (labels[k],), KIND_WIDTH[k]) for k in ("l1", "l2", "l3")]
        leaves += extra("after_l3")
        for f in IND_ORDERS[self.v.get("ind_order") or "national"]:
            if f == "actual":
                leaves += extra("before_actual")
            if f == "target" and band:
                sub = (labels["target"],)
                leaves += [
                    Leaf("op", (*top, *sub, "指标性质"), KIND_WIDTH["op"]),
                    Leaf("value", (*top, *sub, "指标值"), KIND_WIDTH["value"]),
                    Leaf("unit", (*top, *sub, "度量单位"), KIND_WIDTH["unit"]),
                ]
            else:
                leaves.append(Leaf(f, (*(top if f != "note" else ()), labels[f]), KIND_WIDTH[f]))
            if f == "weight":
                leaves += extra("after_weight")
        leaves += extra("end")
        return leaves, max(len(leaf.path) for leaf in leaves)

    def indicators(self) -> Block:
        """绩效指标: the side label, 一级/二级 merged down their rows (or repeated in every row),
        三级指标, the value columns in the knob's order, extra columns, a target printed over
        指标性质 | 指标值 | 度量单位 under a two- or three-row band; then the 总分 row."""
        leaves, depth = self._ind_leaves()
        rows_in = self.c.indicators
        kinds = [leaf.kind for leaf in leaves]
        if len(leaves) == 9 and kinds == [
            "side",
            "l1",
            "l2",
            "l3",
            "target",
            "actual",
            "weight",
            "score",
            "note",
        ]:
            bounds = self._widths(NATIONAL_WIDTHS)
        else:
            bounds = self._widths([leaf.width for leaf in leaves])
        b = Block("indicators", bounds)
        head = band_rows(leaves, depth)
        head[0][0].rs = depth + len(rows_in)
        b.rows += head
        col = {k: i for i, k in enumerate(kinds)}
        repeat = self.v.has("repeated_levels")
        for r, ind in enumerate(rows_in):
            b.body.add(len(b.rows))
            row: list[LCell] = []
            for i, leaf in enumerate(leaves):
                if leaf.kind == "side":
                    continue
                if leaf.kind in ("l1", "l2") and not repeat:
                    run = _run(rows_in, r, leaf.kind)
                    if run:
                        row.append(LCell(getattr(ind, leaf.kind), i, i + 1, rs=run))
                    continue
                row.append(LCell(self._ind_text(leaf.kind, ind, r), i, i + 1, value=True))
            b.rows.append(row)
        if self.c.total is not None:
            b.body.add(len(b.rows))
            b.rows.append(self._total_row(kinds, col))
        return b

    def _ind_text(self, kind: str, ind: IndRow, r: int) -> str:
        if kind in ("op", "value", "unit"):
            return split_target(ind.target)[("op", "value", "unit").index(kind)]
        if kind.startswith("extra:"):
            what = EXTRA_COLUMNS[kind[6:]][2]
            if not any((ind.target, ind.actual, ind.weight, ind.score)):
                return ""  # a template's placeholder row stays blank
            if what == "numbers":
                if kind == "extra:seq":
                    return str(
                        sum(
                            1
                            for x in self.c.indicators[: r + 1]
                            if any((x.target, x.actual, x.weight, x.score))
                        )
                    )
                return str(self.rng.randint(1, 999))
            if what == "text":
                return (
                    f"反映{ind.l3}情况"
                    if kind == "extra:explain"
                    else self.rng.choice(("完成得满分，未完成按比例扣分", "按计划实施", "无", "—"))
                )
            return ""
        return str(getattr(ind, kind))

    def _total_row(self, kinds: list[str], col: dict[str, int]) -> list[LCell]:
        assert self.c.total is not None
        label = self._pick("total_label", TOTAL_LABELS, "总分")
        first = min(col["weight"], col["score"])
        n = len(kinds)
        free = [i for i in range(first + 1, n) if kinds[i] not in ("weight", "score")]
        grade_col = col["note"] if col["note"] in free else (free[-1] if free else None)
        if self.c.grade and grade_col is None:  # nowhere right of the totals: the grade takes
            first -= 1  # the last column of the label instead
            grade_col = first
        cells = [LCell(label, 0, first)]
        for i in range(first, n):
            text = {"weight": self.c.total[0], "score": self.c.total[1]}.get(kinds[i], "")
            if i == grade_col and self.c.grade:
                text = self.c.grade
            is_total = kinds[i] in ("weight", "score") and i != grade_col
            cells.append(LCell(text, i, i + 1, value=True, total=is_total))
        return cells

    # ------------------------------------------------------------------------------ geometry
    def _place(self, block: Block) -> list[PRow]:
        """Logical rows → physical rows: per-row cuts (fine_grid), hand-split cells leaving an
        empty sliver (stray_split), rows stopping short of the table's edge (ragged)."""
        widths = [b - a for a, b in zip(block.bounds, block.bounds[1:], strict=False)]
        jitter = min(150, min(widths) // 3) if self.v.has("fine_grid") else 0
        ragged = self.v.get("ragged")
        covered: dict[int, int] = {}  # row → rightmost edge (column) of cells merged down into it
        locks: dict[tuple[int, int], int] = {}
        out = []
        for r, row in enumerate(block.rows):
            xs = [x + (self.rng.randint(-jitter, jitter) if 0 < i < len(block.bounds) - 1 else 0)
                  for i, x in enumerate(block.bounds)]  # fmt: skip
            for (rr, i), x in locks.items():
                if rr == r:
                    xs[i] = x
            cells = list(row)
            if ragged and r in block.body and self.rng.random() < 0.7:
                while (
                    len(cells) > 1
                    and not cells[-1].text
                    and cells[-1].rs == 1
                    and cells[-1].c0 >= covered.get(r, 0)
                ):
                    cells.pop()
            placed: list[PCell] = []
            for lc in cells:
                x0, x1 = xs[lc.c0], xs[lc.c1]
                for below in range(r + 1, r + lc.rs):
                    locks[(below, lc.c0)], locks[(below, lc.c1)] = x0, x1
                    covered[below] = max(covered.get(below, 0), lc.c1)
                text = traditional(lc.text) if self.v.has("traditional") else lc.text
                if (
                    self.v.has("stray_split")
                    and lc.value
                    and lc.rs == 1
                    and x1 - x0 > 500
                    and self.rng.random() < 0.3
                ):
                    sliver = self.rng.randint(80, 160)
                    if self.rng.random() < 0.5:
                        placed += [PCell(text, x0, x1 - sliver, total=lc.total), PCell("", x1 - sliver, x1)]
                    else:
                        placed += [PCell("", x0, x0 + sliver), PCell(text, x0 + sliver, x1, total=lc.total)]
                else:
                    placed.append(PCell(text, x0, x1, lc.rs, total=lc.total))
            out.append(PRow(placed, short=ragged == "short_rows" and len(cells) < len(row)))
        return out

    # ------------------------------------------------------------------------------ document
    def tables(self) -> tuple[list[str], list[list[PRow]]]:
        """The title lines and the form's tables, placed."""
        head, funds, goal, ind = self.head(), self.funds(), self.goal(), self.indicators()
        blocks = (
            [head, goal, ind, funds] if self.v.has("funds_after_indicators") else [head, funds, goal, ind]
        )
        at = blocks.index(ind)
        tables = [blocks[:at], blocks[at:]] if self.v.has("split_tables") else [blocks]
        title = [self.tr("项目支出绩效自评表"), f"（{self.c.year}年度）"]
        return title, [[r for b in table for r in self._place(b)] for table in tables]

    def tr(self, text: str) -> str:
        return traditional(text) if self.v.has("traditional") else text

    def docx(self) -> bytes:
        title, tables = self.tables()
        body = [paragraph(title[0], center=True, size=32), paragraph(title[1], center=True)]
        for i, rows in enumerate(tables):
            if i:
                body.append(paragraph(self.tr("（续表）")))
            body.append(table_xml(rows, LINE_WIDTH))
        return document(body)

    def xlsx(self) -> bytes:
        title, tables = self.tables()
        style = self.v.get("sheet") or "numbers"
        most = XLS_COLUMNS if self.v.has("xls") else 16384
        seed = f"{self.v.seed}-{self.v.content}"
        # LibreOffice may recalculate a formula it saves as .xls: totals stay numbers there
        formulas = not self.v.has("xls")
        return workbook(title, tables, self.tr("（续表）"), style, seed, most, self.v.has("hidden"), formulas)


def _run(rows: tuple[IndRow, ...], r: int, kind: str) -> int:
    """How many rows the 一级 (or 二级) label starting at row ``r`` spans; 0 if it started above."""

    def key(i: int) -> tuple[str, ...]:
        return (rows[i].l1,) if kind == "l1" else (rows[i].l1, rows[i].l2)

    if r > 0 and key(r - 1) == key(r):
        return 0
    n = 1
    while r + n < len(rows) and key(r + n) == key(r):
        n += 1
    return n


def render(content: Content, variant: Variant) -> bytes:
    """The content in the variant's template, as .docx bytes, or as .xlsx bytes when the variant
    turns ``sheet`` (deterministic in the variant)."""
    renderer = _Renderer(content, variant)
    return renderer.xlsx() if variant.has("sheet") else renderer.docx()

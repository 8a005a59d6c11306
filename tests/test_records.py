"""The records passed between stages (``schemas.records.record``): frozen, slotted dataclasses
whose ``__init__`` sets slots directly must behave exactly as ``dataclass(frozen=True,
slots=True)`` would; and their rows keep the schema's field order (``rows.provenance``)."""

from __future__ import annotations

import dataclasses
import inspect
import pickle

import pyarrow as pa
import pytest

from pipeline.dataset.rows import provenance
from schemas import records
from schemas.records import BBox, Cell, CellRef, record
from schemas.tables import PROVENANCE

RECORDS = [
    obj
    for obj in vars(records).values()
    if isinstance(obj, type) and obj.__module__ == records.__name__ and dataclasses.is_dataclass(obj)
]


def test_every_record_is_a_frozen_slotted_dataclass_with_the_dataclass_signature() -> None:
    assert len(RECORDS) >= 18
    for cls in RECORDS:
        params = cls.__dataclass_params__  # type: ignore[attr-defined]
        assert params.frozen, cls
        assert "__slots__" in vars(cls), cls
        expected = [
            inspect.Parameter(
                f.name,
                inspect.Parameter.POSITIONAL_OR_KEYWORD,
                default=inspect.Parameter.empty if f.default is dataclasses.MISSING else f.default,
            )
            for f in dataclasses.fields(cls)
        ]
        assert list(inspect.signature(cls).parameters.values()) == expected, cls


def test_a_record_is_built_as_a_dataclass_would_build_it() -> None:
    box = BBox(1.0, 2.0, 3.0, 4.0)
    cell = Cell(3, 4, 1, 2, "9.5", 1, box, stored="9.50")
    assert dataclasses.astuple(cell)[:7] == (3, 4, 1, 2, "9.5", 1, (1.0, 2.0, 3.0, 4.0))
    assert (cell.extent, cell.confidence, cell.stored) == (None, None, "9.50")
    assert Cell(row=3, col=4, text="x") == Cell(3, 4, 1, 1, "x")
    assert hash(Cell(3, 4, text="x")) == hash(Cell(3, 4, text="x"))
    assert dataclasses.replace(cell, text="10") == Cell(3, 4, 1, 2, "10", 1, box, stored="9.50")
    assert pickle.loads(pickle.dumps(cell)) == cell
    with pytest.raises(dataclasses.FrozenInstanceError):
        cell.text = "changed"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        cell.__dict__  # noqa: B018 (slotted: no instance dict)
    with pytest.raises(TypeError, match="col"):
        Cell(3)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Cell(3, 4, nonsense=1)  # type: ignore[call-arg]


def test_record_refuses_what_its_init_would_not_do() -> None:
    with pytest.raises(TypeError, match="plain defaults"):

        @record
        class WithFactory:
            items: list[int] = dataclasses.field(default_factory=list)

    with pytest.raises(TypeError, match="__post_init__"):

        @record
        class WithPostInit:
            x: int

            def __post_init__(self) -> None:
                pass


def test_provenance_tuples_follow_the_schema_field_order() -> None:
    refs = (
        ("score", CellRef(2, 7, 5)),
        ("level3", CellRef(0, 1, 2, page=3, bbox=BBox(10.0, 20.0, 30.0, 40.0))),
    )
    got = pa.array([provenance(refs)], type=PROVENANCE).to_pylist()[0]
    assert got == [
        {"field": "score", "table": 2, "row": 7, "col": 5, "page": None}
        | dict.fromkeys(("x0", "top", "x1", "bottom")),
        {"field": "level3", "table": 0, "row": 1, "col": 2, "page": 3}
        | {"x0": 10.0, "top": 20.0, "x1": 30.0, "bottom": 40.0},
    ]

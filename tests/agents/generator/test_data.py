"""Sample rows for generated projects: the cleaning rules, CSV rows and synthetic rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.analyzer.kinds import choose_key, choose_target
from agents.generator.data import (
    Column,
    clean,
    learning_task,
    parse,
    read_csv_rows,
    synthetic_rows,
    write_csv,
)
from core.contracts import DatasetPlan, Entity, EntityField
from core.errors import InvalidRequest

COLUMNS = [
    Column(header="Order ID", name="order_id", type="int", required=True),
    Column(header="Amount", name="amount", type="float", required=True),
    Column(header="Paid", name="paid", type="bool", required=False),
    Column(header="Day", name="day", type="date", required=False),
]


class TestParse:
    @pytest.mark.parametrize(
        ("text", "kind", "expected"),
        [
            (" 42 ", "int", 42),
            ("4.2", "int", None),
            ("-7", "int", -7),
            ("1e3", "float", 1000.0),
            ("inf", "float", None),
            ("Yes", "bool", True),
            ("0", "bool", False),
            ("maybe", "bool", None),
            ("2024-02-29", "date", "2024-02-29"),
            ("2012/01/31", "date", "2012-01-31"),
            ("12/31/2020", "date", "2020-12-31"),
            ("2024-02-30", "date", None),
            ("2024-01-05T10:30:15.5", "datetime", "2024-01-05T10:30:15"),
            ("2024-01-05T10:30:15+02:00", "datetime", None),
            ("N/A", "str", None),
            ("  hello  ", "str", "hello"),
        ],
    )
    def test_each_type_follows_the_documented_rules(
        self, text: str, kind: str, expected: object
    ) -> None:
        """Whitespace, missing words, formats and time zones are handled as documented."""
        assert parse(text, kind) == expected  # type: ignore[arg-type]


class TestClean:
    def test_required_fields_must_parse_optional_ones_become_missing(self) -> None:
        """A bad required value drops the row; a bad optional value becomes None."""
        rows = [
            {"Order ID": "1", "Amount": "9.5", "Paid": "yes", "Day": "2024-01-01"},
            {"Order ID": "2", "Amount": "lots", "Paid": "no", "Day": "2024-01-02"},
            {"Order ID": "3", "Amount": "1", "Paid": "perhaps", "Day": "soon"},
        ]
        kept = clean(rows, COLUMNS, key="order_id")
        assert kept == [
            {"order_id": 1, "amount": 9.5, "paid": True, "day": "2024-01-01"},
            {"order_id": 3, "amount": 1.0, "paid": None, "day": None},
        ]

    def test_the_last_row_of_a_key_wins(self) -> None:
        """Duplicates by key collapse to the last one, placed where it was last seen."""
        rows = [
            {"Order ID": "1", "Amount": "1"},
            {"Order ID": "2", "Amount": "2"},
            {"Order ID": "1", "Amount": "3"},
        ]
        kept = clean(rows, COLUMNS, key="order_id")
        assert [(r["order_id"], r["amount"]) for r in kept] == [(2, 2.0), (1, 3.0)]

    def test_without_a_key_identical_rows_collapse(self) -> None:
        """With no key, whole cleaned rows are compared (padding does not make a row new)."""
        rows = [{"Order ID": "1", "Amount": "1"}, {"Order ID": " 1 ", "Amount": "1.0"}]
        assert len(clean(rows, COLUMNS, key=None)) == 1


class TestCsvRows:
    def test_reads_the_first_rows_by_header_in_the_profiled_dialect(self, tmp_path: Path) -> None:
        """Semicolons and Latin-1 are read as profiled; blank lines are skipped; bounded."""
        path = tmp_path / "orders.csv"
        body = "Order ID;Amount;Note\n1;2,5;café\n\n2;3;x\n3;4;y\n"
        path.write_bytes(body.encode("latin-1"))
        plan = DatasetPlan(source="csv", delimiter=";", encoding="latin-1", rows=3)
        rows = read_csv_rows(path, plan, ["Order ID", "Note", "Missing"], limit=2)
        assert rows == [
            {"Order ID": "1", "Note": "café", "Missing": ""},
            {"Order ID": "2", "Note": "x", "Missing": ""},
        ]

    def test_an_unreadable_file_is_one_sentence(self, tmp_path: Path) -> None:
        """A vanished file raises InvalidRequest, not OSError."""
        plan = DatasetPlan(source="csv")
        with pytest.raises(InvalidRequest, match="could not be read"):
            read_csv_rows(tmp_path / "gone.csv", plan, ["a"])

    def test_written_rows_read_back(self, tmp_path: Path) -> None:
        """write_csv writes UTF-8 with the given headers (quoted where needed)."""
        path = tmp_path / "data" / "sample.csv"
        write_csv(path, ["order by", "note"], [{"order by": "1", "note": "a, b"}])
        assert path.read_text(encoding="utf-8") == 'order by,note\n1,"a, b"\n'


class TestSyntheticRows:
    def test_rows_are_deterministic_distinct_and_carry_dirt(self) -> None:
        """Same seed, same rows; cleaning keeps all but the planted duplicate."""
        first = synthetic_rows(COLUMNS, target="amount", key="order_id", seed="shop")
        assert first == synthetic_rows(COLUMNS, target="amount", key="order_id", seed="shop")
        assert first != synthetic_rows(COLUMNS, target="amount", key="order_id", seed="other")
        assert first[1]["Order ID"].startswith("  ")
        assert "N/A" in {row["Paid"] for row in first}
        kept = clean(first, COLUMNS, key="order_id")
        assert len(kept) == len(first) - 1

    def test_a_classification_target_follows_a_feature(self) -> None:
        """A text target is "high" exactly when the driving feature is at or above its median."""
        columns = [
            Column(header="size", name="size", type="float", required=True),
            Column(header="band", name="band", type="str", required=True),
        ]
        rows = clean(synthetic_rows(columns, target="band", key=None, seed="s"), columns, None)
        sizes = sorted(float(r["size"]) for r in rows)  # type: ignore[arg-type]
        middle = sizes[len(sizes) // 2]
        assert {r["band"] for r in rows} == {"high", "low"}
        assert all((r["band"] == "high") == (r["size"] >= middle) for r in rows)  # type: ignore[operator]


class TestTargets:
    def _entity(self, *fields: tuple[str, str]) -> Entity:
        return Entity(
            name="Thing",
            fields=[EntityField(name=n, type=t) for n, t in fields],  # type: ignore[arg-type]
        )

    def test_target_by_name_then_last_numeric(self) -> None:
        """A field named like a target wins; else the last numeric field; dates never."""
        assert choose_target(self._entity(("price", "float"), ("city", "str"))).name == "price"  # type: ignore[union-attr]
        picked = choose_target(self._entity(("a", "int"), ("b", "float"), ("c", "str")))
        assert picked is not None
        assert picked.name == "b"
        assert choose_target(self._entity(("when", "date"), ("day", "date"))) is None
        assert choose_target(self._entity(("only", "int"))) is None

    def test_key_is_a_required_id_like_field(self) -> None:
        """``order_id`` is a key; a float is never one."""
        key = choose_key(self._entity(("amount", "float"), ("order_id", "int")))
        assert key is not None
        assert key.name == "order_id"
        assert choose_key(self._entity(("amount", "float"))) is None

    @pytest.mark.parametrize(
        ("kind", "values", "task"),
        [
            ("float", [1.0], "regression"),
            ("int", [1, 2, 3], "classification"),
            ("int", list(range(20)), "regression"),
            ("bool", [True], "classification"),
            ("str", ["a"], "classification"),
            (None, [], None),
        ],
    )
    def test_learning_task(self, kind: str | None, values: list[object], task: str | None) -> None:
        """Floats regress, labels classify, integers by how many values they take."""
        assert learning_task(kind, values) == task  # type: ignore[arg-type]

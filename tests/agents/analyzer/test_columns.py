"""A CSV's columns reach the plan: all of them up to the limit, and a cut that says what it left."""

from __future__ import annotations

import csv
from pathlib import Path

from agents.analyzer import analyze
from agents.analyzer.columns import fields_from_columns
from agents.analyzer.inputs import ColumnSummary, ProfileSummary
from agents.llm import BackendSpec
from core.contracts import MAX_FIELDS, PipelineRequest


def _column(name: str, *, missing: int = 0, distinct: int = 50, kind: str = "int") -> ColumnSummary:
    return ColumnSummary(
        name=name, identifier=name, field_type="int", kind=kind, missing=missing, distinct=distinct
    )


def _wide_profile(filler: int) -> ProfileSummary:
    """``filler`` ordinary columns, a few constant or empty ones, and the loan's own columns."""
    columns = [_column(f"feature_{i}") for i in range(filler)]
    columns += [_column(f"constant_{i}", distinct=1) for i in range(10)]
    columns += [_column(f"empty_{i}", missing=100, distinct=0) for i in range(10)]
    columns += [_column("loan_amount"), _column("interest_rate"), _column("loan_status")]
    columns.insert(0, _column("loan_id", kind="id", distinct=100))
    return ProfileSummary(
        stem="loans",
        rows=100,
        delimiter=",",
        columns=columns,
        candidate_key="loan_id",
        candidate_target="loan_status",
    )


class TestColumnCut:
    """Columns beyond the field limit are cut by what they carry, and the plan names them."""

    def test_every_column_fits_up_to_the_limit(self) -> None:
        """Exactly MAX_FIELDS columns: all become fields, in file order, nothing left out."""
        profile = _wide_profile(MAX_FIELDS - 24)
        assert len(profile.columns) == MAX_FIELDS
        cut = fields_from_columns(profile)
        assert [f.name for f in cut.fields] == [c.identifier for c in profile.columns]
        assert (cut.left_out, cut.reason) == ([], "")

    def test_a_cut_keeps_key_target_amounts_and_leaves_constant_and_empty_columns(self) -> None:
        """Twenty columns over: the ten constant and ten empty ones go, the loan's stay."""
        profile = _wide_profile(MAX_FIELDS - 4)
        cut = fields_from_columns(profile)
        kept = [f.name for f in cut.fields]
        assert len(kept) == MAX_FIELDS
        assert {"loan_id", "loan_amount", "interest_rate", "loan_status"} <= set(kept)
        assert sorted(cut.left_out) == sorted(
            [f"constant_{i}" for i in range(10)] + [f"empty_{i}" for i in range(10)]
        )
        assert "leaves out 20 columns" in cut.reason

    def test_the_plan_names_the_left_out_columns_and_why(self, tmp_path: Path) -> None:
        """A 130-column CSV: the plan keeps MAX_FIELDS fields and lists the other 30 by name."""
        path = tmp_path / "wide.csv"
        headers = [f"measure_{i}" for i in range(127)] + ["amount", "status", "notes"]
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(headers)
            for row in range(30):
                writer.writerow([*(row * i for i in range(127)), row * 2.5, f"s{row % 3}", ""])
        plan = analyze(PipelineRequest.from_inputs(csv=str(path)), spec=BackendSpec())
        (entity,) = plan.entities
        assert len(entity.fields) == MAX_FIELDS
        assert plan.dataset is not None
        assert len(plan.dataset.columns_left_out) == 130 - MAX_FIELDS
        assert {"amount", "status"} <= {f.source_name for f in entity.fields}
        assert "notes" in plan.dataset.columns_left_out
        assert plan.dataset.left_out_reason in plan.analysis.not_covered


class TestLendingClub:
    """A real 55-column CSV keeps every column through the analyzer."""

    def test_all_55_columns_become_fields(self, lending_club_csv: Path) -> None:
        """loan_amount, interest_rate, grade and loan_status are among the 55 fields."""
        plan = analyze(PipelineRequest.from_inputs(csv=str(lending_club_csv)), spec=BackendSpec())
        (entity,) = plan.entities
        with lending_club_csv.open(encoding="utf-8", newline="") as handle:
            headers = next(csv.reader(handle))
        assert len(headers) == 55
        assert [f.source_name for f in entity.fields] == headers
        assert {"loan_amount", "interest_rate", "grade", "loan_status"} <= {
            f.name for f in entity.fields
        }
        assert plan.dataset is not None
        assert plan.dataset.columns_left_out == []

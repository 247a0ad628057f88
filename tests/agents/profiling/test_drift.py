"""Drift between two profiles of one CSV location."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.profiling import CsvProfile, compare, profile_csv
from core.errors import InvalidRequest

BASE = "id,price,city\n" + "".join(f"{i},{10 + i % 3},{'ab'[i % 2]}\n" for i in range(1, 21))


def _profile(tmp_path: Path, text: str) -> CsvProfile:
    path = tmp_path / "orders.csv"
    path.write_text(text, encoding="utf-8")
    return profile_csv(path)


class TestCompare:
    def test_same_file_has_no_drift(self, tmp_path: Path) -> None:
        """Two profiles of unchanged content report nothing."""
        report = compare(_profile(tmp_path, BASE), _profile(tmp_path, BASE))
        assert (report.has_drift, report.changes) == (False, [])

    def test_columns_added_and_removed_are_named(self, tmp_path: Path) -> None:
        """A new column and a dropped column each get a sentence naming them."""
        before = _profile(tmp_path, BASE)
        text = "id,price,region\n" + "".join(f"{i},{10 + i % 3},n\n" for i in range(1, 21))
        report = compare(before, _profile(tmp_path, text))
        assert (report.columns_added, report.columns_removed) == (["region"], ["city"])
        assert "Column 'region' was added." in report.changes
        assert "Column 'city' was removed." in report.changes
        assert report.has_drift

    def test_type_change_is_named(self, tmp_path: Path) -> None:
        """A column whose values stop being numbers reports its old and new type."""
        text = BASE.replace("\n5,", "\n5x,", 1)
        report = compare(_profile(tmp_path, BASE), _profile(tmp_path, text))
        assert [(t.column, t.before, t.after) for t in report.type_changes] == [
            ("id", "int", "str")
        ]
        assert "Column 'id' changed type from int to str." in report.changes

    def test_missing_rate_shift_beyond_threshold(self, tmp_path: Path) -> None:
        """Emptying 30% of a column is drift at 0.1 and not at 0.5."""
        lines = BASE.splitlines()
        emptied = [lines[0]] + [
            f"{line.rsplit(',', 1)[0]}," if n < 6 else line for n, line in enumerate(lines[1:])
        ]
        before, after = _profile(tmp_path, BASE), _profile(tmp_path, "\n".join(emptied) + "\n")
        report = compare(before, after, threshold=0.1)
        assert [s.column for s in report.missing_shifts] == ["city"]
        assert "Column 'city' is now empty in 30% of rows (was 0%)." in report.changes
        assert not compare(before, after, threshold=0.5).missing_shifts

    def test_mean_shift_is_relative(self, tmp_path: Path) -> None:
        """Prices 20% higher shift the mean beyond 0.1 but not beyond 0.25."""
        dearer = "id,price,city\n" + "".join(
            f"{i},{(10 + i % 3) * 1.2},{'ab'[i % 2]}\n" for i in range(1, 21)
        )
        before, after = _profile(tmp_path, BASE), _profile(tmp_path, dearer)
        report = compare(before, after, threshold=0.1)
        assert [s.column for s in report.mean_shifts] == ["price"]
        assert any(line.startswith("The mean of 'price' moved") for line in report.changes)
        assert not compare(before, after, threshold=0.25).mean_shifts

    def test_row_count_change(self, tmp_path: Path) -> None:
        """Doubling the rows is named with both counts."""
        doubled = BASE + "".join(f"{i},{10 + i % 3},{'ab'[i % 2]}\n" for i in range(21, 41))
        report = compare(_profile(tmp_path, BASE), _profile(tmp_path, doubled))
        assert "The row count went from 20 to 40 (+100%)." in report.changes

    def test_changes_stay_bounded(self, tmp_path: Path) -> None:
        """Hundreds of added columns collapse into at most 50 sentences."""
        before = _profile(tmp_path, BASE)
        wide = ",".join(f"c{i}" for i in range(200))
        after = _profile(tmp_path, wide + "\n" + ",".join("1" * 200) + "\n")
        report = compare(before, after)
        assert len(report.changes) == 50
        assert report.changes[-1].endswith("more changes are not listed.")

    def test_threshold_is_checked(self, tmp_path: Path) -> None:
        """A negative threshold is refused in one sentence."""
        profile = _profile(tmp_path, BASE)
        with pytest.raises(InvalidRequest, match="between 0 and 10"):
            compare(profile, profile, threshold=-1)

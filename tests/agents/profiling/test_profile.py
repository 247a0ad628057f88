"""CSV profiling on real public data (vega-datasets) and on synthetic files, good and bad."""

from __future__ import annotations

import csv
import json
import statistics
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from vega_datasets import local_data

from agents.profiling import ColumnProfile, CsvProfile, neutralise, profile_csv
from agents.profiling.stats import SAMPLE_BYTES
from core.errors import InvalidRequest

VEGA = Path(local_data.iris.filepath).parent


def _json_to_csv(name: str, target: Path) -> Path:
    """A vega-datasets JSON file as CSV (ints stay ints, nulls become empty cells)."""
    records = json.loads((VEGA / f"{name}.json").read_text())
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(records[0]))
        writer.writeheader()
        writer.writerows(records)
    return target


def _columns(profile: CsvProfile) -> dict[str, ColumnProfile]:
    return {c.name: c for c in profile.columns}


def _write(tmp_path: Path, text: str, name: str = "data.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


class TestRealData:
    def test_seattle_weather(self) -> None:
        """Slash dates, floats and a category label are typed; the label is the target."""
        profile = profile_csv(VEGA / "seattle-weather.csv")
        columns = _columns(profile)
        assert profile.rows == 1461
        assert (columns["date"].field_type, columns["date"].minimum) == ("date", "2012-01-01")
        assert columns["precipitation"].kind == "float"
        assert columns["weather"].kind == "category"
        assert columns["weather"].top_values[0].value == "sun"
        assert profile.candidate_target == "weather"
        pair = profile.correlations[0]
        assert {pair.left, pair.right} == {"temp_max", "temp_min"}
        assert pair.pearson > 0.8
        assert any("'temp_max' and 'temp_min'" in line for line in profile.insights)

    def test_airports(self) -> None:
        """The IATA code is the candidate key; missing cities are counted; states are categories."""
        profile = profile_csv(VEGA / "airports.csv")
        columns = _columns(profile)
        assert profile.candidate_key == "iata"
        assert columns["iata"].kind == "id"
        assert columns["iata"].distinct == profile.rows == 3376
        assert columns["city"].missing == 12
        assert columns["state"].kind == "category"
        assert columns["name"].kind == "text"
        assert columns["latitude"].field_type == "float"
        assert any("'iata' can serve as the primary key" in line for line in profile.insights)

    def test_cars(self, tmp_path: Path) -> None:
        """Integers with gaps stay integers; ISO dates are dates; names are free text."""
        profile = profile_csv(_json_to_csv("cars", tmp_path / "cars.csv"))
        columns = _columns(profile)
        assert columns["Horsepower"].field_type == "int"
        assert columns["Horsepower"].missing == 6
        assert columns["Miles_per_Gallon"].missing == 8
        assert columns["Year"].field_type == "date"
        assert columns["Origin"].kind == "category"
        assert {t.value for t in columns["Origin"].top_values} == {"USA", "Japan", "Europe"}
        assert columns["Name"].kind == "text"
        assert profile.candidate_target == "Origin"

    def test_iris(self, tmp_path: Path) -> None:
        """Species is the target; petal length and width are strongly correlated."""
        profile = profile_csv(_json_to_csv("iris", tmp_path / "iris.csv"))
        columns = _columns(profile)
        assert profile.candidate_target == "species"
        assert columns["species"].distinct == 3
        assert columns["petalLength"].quantiles is not None
        assert columns["petalLength"].quantiles.p50 == pytest.approx(4.35)
        strong = {(c.left, c.right) for c in profile.correlations if c.pearson > 0.95}
        assert ("petalLength", "petalWidth") in strong

    def test_la_riots(self) -> None:
        """Ages are integers with one gap; dates are dates; gender is a two-value category."""
        columns = _columns(profile_csv(VEGA / "la-riots.csv"))
        assert (columns["age"].field_type, columns["age"].missing) == ("int", 1)
        assert columns["death_date"].field_type == "date"
        assert (columns["gender"].kind, columns["gender"].distinct) == ("category", 2)


class TestColumnTypes:
    def test_each_kind_is_recognised(self, tmp_path: Path) -> None:
        """int, float, bool (two spellings), date, datetime, category, text and id."""
        rows = [
            f"{i},{i * 3},{i / 4},{'true' if i % 2 else 'false'},{'yes' if i % 3 else 'no'},"
            f"2024-01-{i % 28 + 1:02d},2024-01-01 10:{i % 60:02d}:00,{'abc'[i % 3]},"
            f"word {i * 7} and more,{i:05d}"
            for i in range(1, 41)
        ]
        header = "record_id,count,ratio,active,member,day,stamp,grade,comment,zip\n"
        columns = _columns(profile_csv(_write(tmp_path, header + "\n".join(rows) + "\n")))
        kinds = {name: (c.field_type, c.kind) for name, c in columns.items()}
        assert kinds == {
            "record_id": ("int", "id"),
            "count": ("int", "int"),
            "ratio": ("float", "float"),
            "active": ("bool", "bool"),
            "member": ("bool", "bool"),
            "day": ("date", "date"),
            "stamp": ("datetime", "datetime"),
            "grade": ("str", "category"),
            "comment": ("str", "text"),
            "zip": ("str", "id"),
        }
        assert columns["zip"].examples[0] == "00001"  # leading zeros kept

    def test_numbers_are_measured(self, tmp_path: Path) -> None:
        """min, max, mean, std, quartiles and Tukey outliers of a known column."""
        values = [*range(1, 20), 1000]
        path = _write(tmp_path, "x\n" + "\n".join(map(str, values)) + "\n")
        (column,) = profile_csv(path).columns
        assert (column.minimum, column.maximum) == ("1", "1000")
        assert column.mean == pytest.approx(sum(values) / 20)
        assert column.std == pytest.approx(statistics.stdev(values))
        assert column.quantiles is not None
        assert column.quantiles.p50 == pytest.approx(10.5)
        assert column.outliers == 1

    def test_moments_survive_large_magnitudes(self, tmp_path: Path) -> None:
        """Mean and standard deviation stay exact for values near 10^12 with a spread of 100."""
        values = [10**12 + i for i in range(100)]
        path = _write(tmp_path, "stamp\n" + "\n".join(map(str, values)) + "\n")
        (column,) = profile_csv(path).columns
        assert column.mean == pytest.approx(10**12 + 49.5, abs=1e-3)
        assert column.std == pytest.approx(29.0115, abs=1e-3)

    def test_top_values_and_missing_rate(self, tmp_path: Path) -> None:
        """Top values carry exact counts and shares; NA and empty cells count as missing."""
        path = _write(tmp_path, "colour\nred\nred\nblue\nNA\n\nred\n")
        (column,) = profile_csv(path).columns
        assert [(t.value, t.count) for t in column.top_values] == [("red", 3)]
        assert column.top_values[0].share == pytest.approx(0.5)
        assert (column.missing, column.missing_rate) == (2, pytest.approx(2 / 6))


class TestBadInput:
    @pytest.mark.parametrize(
        ("content", "fragment"),
        [
            (b"", "is empty"),
            (b"\n \n\n", "is empty"),
            (b"a,b,c\n", "header but no rows"),
            (bytes(range(256)) * 8, "binary"),
            (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
            (b"a;b;c\n1,2,3\n4,5,6\n", "mixes delimiters"),
            (b"a:b:c\n1:2:3\n4:5:6\n", "separated by ':'"),
            (b"a,b\n1,2\n3,4,5\n6,7\n", "line 3 has 3 fields"),
            (b"a,b,a\n1,2,3\n", "column name 'a' more than once"),
            (b'a,b\n1,"open\n2,3\n', "quoted value that never ends"),
            ("a,b\n1,2\n".encode("utf-16"), "UTF-16"),
            ("a,b\né,1\n".encode() + b"\xe9,2\n", "mixes UTF-8"),
        ],
    )
    def test_refused_in_one_sentence(self, tmp_path: Path, content: bytes, fragment: str) -> None:
        """Each unusable file raises InvalidRequest with one sentence naming the problem."""
        path = tmp_path / "bad.csv"
        path.write_bytes(content)
        with pytest.raises(InvalidRequest, match=fragment) as caught:
            profile_csv(path)
        message = str(caught.value)
        assert "\n" not in message
        assert message.endswith(".")

    def test_ten_thousand_columns_are_refused(self, tmp_path: Path) -> None:
        """A 10,000-column file is refused with the limit, not profiled into a huge report."""
        header = ",".join(f"c{i}" for i in range(10_000))
        path = _write(tmp_path, header + "\n" + ",".join("1" * 10_000) + "\n")
        with pytest.raises(InvalidRequest, match="10,000 columns; at most 500"):
            profile_csv(path)

    def test_problems_beyond_the_head_are_found(self, tmp_path: Path) -> None:
        """Uneven rows and bad bytes after the first megabyte are refused with their line."""
        body = b"a,b\n" + b"1,2\n" * 300_000
        ragged = tmp_path / "ragged.csv"
        ragged.write_bytes(body + b"1,2,3\n")
        with pytest.raises(InvalidRequest, match="line 300002 has 3 fields"):
            profile_csv(ragged)
        latin = tmp_path / "late.csv"
        latin.write_bytes(body + b"1,\xff\n")
        with pytest.raises(InvalidRequest, match=r"not valid UTF-8 \(line 300002\)"):
            profile_csv(latin)


class TestNamesAndCells:
    def test_awkward_names_get_unique_safe_identifiers(self, tmp_path: Path) -> None:
        """Spaces, dots, unicode, keywords, blanks and case twins map to unique identifiers."""
        header = "first name,order.id,Név,név,class,select,,def,2nd\n"
        path = _write(tmp_path, header + "1,2,3,4,5,6,7,8,9\n10,11,12,13,14,15,16,17,18\n")
        profile = profile_csv(path)
        mapping = {c.name: c.identifier for c in profile.columns}
        assert mapping == {
            "first name": "first_name",
            "order.id": "order_id",
            "Név": "nev",
            "név": "nev_2",
            "class": "class_",
            "select": "select_",
            "column_7": "column_7",
            "def": "def_",
            "2nd": "f_2nd",
        }

    def test_formula_cells_are_neutralised_everywhere(self, tmp_path: Path) -> None:
        """Cells starting with =, +, -, @ get an apostrophe in examples and top values."""
        text = "note,delta\n" + "".join(
            f"{cell},-{i}\n" for i, cell in enumerate(["=1+2", "+cmd|calc", "@SUM(A1)", "=1+2"])
        )
        profile = profile_csv(_write(tmp_path, text))
        note, delta = profile.columns
        shown = note.examples + [t.value for t in note.top_values]
        assert len(shown) == 4
        assert all(value.startswith("'") for value in shown)
        assert delta.examples[1] == "-1"  # a plain negative number is left alone
        assert any("spreadsheet formulas" in line for line in profile.insights)

    def test_neutralise(self) -> None:
        """Formula-looking text gets an apostrophe; plain numbers and text stay as they are."""
        assert neutralise("=HYPERLINK(1)") == "'=HYPERLINK(1)"
        assert neutralise("-2+3") == "'-2+3"
        assert neutralise("@x") == "'@x"
        assert [neutralise(v) for v in ("-5", "+1.5e3", "abc")] == ["-5", "+1.5e3", "abc"]


class TestEncodingAndDialect:
    def test_latin1_is_read_and_said(self, tmp_path: Path) -> None:
        """A Latin-1 file is profiled with its accents intact and an insight saying so."""
        path = tmp_path / "latin.csv"
        path.write_bytes("name;city\nJosé;München\nAnn;Paris\n".encode("latin-1"))
        profile = profile_csv(path)
        assert (profile.encoding, profile.delimiter) == ("latin-1", ";")
        assert profile.columns[1].examples == ["München", "Paris"]
        assert any("Latin-1" in line for line in profile.insights)

    def test_bom_tabs_and_crlf(self, tmp_path: Path) -> None:
        """A UTF-8 byte-order mark, tab delimiters and CRLF line ends are handled."""
        path = tmp_path / "bom.tsv"
        path.write_bytes(b"\xef\xbb\xbfid\tvalue\r\n1\t2.5\r\n2\t3.5\r\n")
        profile = profile_csv(path)
        assert (profile.encoding, profile.delimiter) == ("utf-8-sig", "\t")
        assert [c.name for c in profile.columns] == ["id", "value"]
        assert profile.columns[1].mean == pytest.approx(3.0)

    def test_a_huge_cell_is_profiled(self, tmp_path: Path) -> None:
        """A 200 KB cell (beyond Python's csv field limit) does not hide the row behind it."""
        path = _write(tmp_path, "a,b\n1," + "x" * 200_000 + "\n2,y\n")
        profile = profile_csv(path)
        assert profile.rows == 2
        assert len(profile.columns[1].examples[0]) == 80


def _generate(path: Path, rows: int) -> Path:
    """A synthetic 6-column CSV written by DuckDB (fast, deterministic)."""
    query = f"""SELECT i AS id, i % 7 AS small, (hash(i) % 1000) / 10.0 AS amount,
                  ['red', 'green', 'blue'][i % 3 + 1] AS colour,
                  CASE WHEN i % 10 = 0 THEN NULL ELSE md5(i::VARCHAR) END AS token,
                  DATE '2024-01-01' + (i % 365)::INT AS day
                FROM range({rows}) t(i)"""  # noqa: S608 - the test's own constants
    duckdb.execute(f"COPY ({query}) TO '{path}' (HEADER)")
    return path


class TestLargeFiles:
    def test_sampled_profile_keeps_exact_counts(self, tmp_path: Path) -> None:
        """Above the sample size: rows, gaps and category counts exact; distinct estimated."""
        path = _generate(tmp_path / "big.csv", 150_000)
        assert path.stat().st_size > SAMPLE_BYTES
        profile = profile_csv(path)
        columns = _columns(profile)
        assert profile.sampled
        assert 0 < profile.sample_rows < profile.rows == 150_000
        assert columns["token"].missing == 15_000
        assert {t.value: t.count for t in columns["colour"].top_values} == {
            "red": 50_000,
            "green": 50_000,
            "blue": 50_000,
        }
        assert not any(t.estimated for t in columns["colour"].top_values)
        assert columns["id"].distinct_is_estimate
        assert profile.candidate_key == "id"
        assert columns["amount"].mean == pytest.approx(49.95, abs=1.0)

    def test_a_type_break_outside_the_sample_is_caught(self, tmp_path: Path) -> None:
        """A value that breaks the sampled type further down turns the column into text."""
        line = b"1,2024-01-01\n"
        body = line * ((SAMPLE_BYTES + (1 << 20)) // len(line))
        path = tmp_path / "break.csv"
        # Just past the head block, before the next sampled block starts.
        cut = ((1 << 20) + (600 << 10)) // len(line) * len(line)
        path.write_bytes(b"n,day\n" + body[:cut] + b"oops,2024-01-02\n" + body[cut:] * 3)
        columns = _columns(profile_csv(path))
        assert (columns["n"].field_type, columns["n"].invalid_values) == ("str", 1)
        assert columns["day"].field_type == "date"


_PEAK_RSS = """
import resource, sys
from pathlib import Path
from agents.profiling import profile_csv
profile_csv(Path(sys.argv[1]))
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


class TestBoundedMemory:
    def test_peak_memory_does_not_grow_with_the_file(self, tmp_path: Path) -> None:
        """Profiling a 5x larger file costs no more than 64 MB more peak memory."""
        peaks = []
        for rows in (200_000, 1_000_000):
            path = _generate(tmp_path / f"rows-{rows}.csv", rows)
            done = subprocess.run(
                [sys.executable, "-c", _PEAK_RSS, str(path)],
                capture_output=True,
                text=True,
                check=True,
                cwd=Path(__file__).resolve().parents[3],
            )
            peaks.append(int(done.stdout.split()[-1]) // 1024)
            path.unlink()
        assert peaks[1] - peaks[0] < 64, peaks

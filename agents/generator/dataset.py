"""The ``dataset`` a project's templates are rendered with: its rows, target, key and task.

CSV rows (or synthetic ones for a pipeline asked for in text) are cleaned by the rules in
``agents.generator.data``; the first clean rows become the first resource's test samples, so
the generated tests post values from the user's own file.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from agents.generator.data import (
    DATE_FORMATS,
    DATETIME_FORMATS,
    FALSE_WORDS,
    MISSING_WORDS,
    SAMPLE_FILE,
    TRUE_WORDS,
    Column,
    Value,
    clean,
    learning_task,
    read_csv_rows,
    synthetic_rows,
)
from agents.generator.design import FieldSpec, ResourceSpec
from agents.generator.values import changed_value, checked_value
from core.contracts import AnalysisResult


@dataclass(frozen=True)
class Dataset:
    """What the templates know about the project's data (``dataset.*`` in ``templates/apps``)."""

    source: str  # "csv" or "synthetic"
    file_name: str
    columns: list[FieldSpec]
    target: FieldSpec | None
    key: FieldSpec | None
    raw: list[dict[str, str]]  # the rows as text, as ``data/sample.csv`` holds them
    rows: list[dict[str, Value]]  # the rows the cleaning rules keep
    task: str | None  # "classification", "regression" or None
    classes: list[str]
    path: str = SAMPLE_FILE
    # The cleaning rules, as the generated pipeline spells them.
    date_formats = list(DATE_FORMATS)
    datetime_formats = list(DATETIME_FORMATS)
    missing_words = sorted(MISSING_WORDS)
    true_words = sorted(TRUE_WORDS)
    false_words = sorted(FALSE_WORDS)

    @property
    def features(self) -> list[FieldSpec]:
        return [f for f in self.columns if f not in (self.target, self.key)]

    @property
    def raw_rows(self) -> int:
        return len(self.raw)

    @property
    def clean_rows(self) -> int:
        return len(self.rows)

    @property
    def first(self) -> dict[str, Value] | None:
        return self.rows[0] if self.rows else None

    @property
    def headers(self) -> list[str]:
        return [f.source for f in self.columns]


def with_samples(resource: ResourceSpec, rows: list[dict[str, Value]]) -> ResourceSpec:
    """``resource`` whose samples come from the first rows that hold a valid value per field."""
    fields = []
    for spec in resource.fields:
        values = [checked_value(spec.type, row.get(spec.json)) for row in rows]
        valid = [v for v in values if v is not None]
        if not valid:
            fields.append(spec)
            continue
        other = next((v for v in valid if v != valid[0]), None)
        changed = other if other is not None else changed_value(spec.type, valid[0])
        fields.append(dataclasses.replace(spec, sample=valid[0], changed=changed))
    return dataclasses.replace(resource, fields=fields)


def build_dataset(
    analysis: AnalysisResult, resource: ResourceSpec, csv_path: Path | None
) -> tuple[Dataset, ResourceSpec] | None:
    """The project's rows (the CSV's first rows, or synthetic ones) and ``resource`` with its
    test samples taken from them; ``None`` when the plan has no data."""
    plan = analysis.dataset
    if plan is None:
        return None
    # The plan names the target and key by the entity's field names; specs keep that order.
    by_plan_name = dict(
        zip((f.name for f in analysis.entities[0].fields), resource.fields, strict=True)
    )
    target, key = by_plan_name.get(plan.target or ""), by_plan_name.get(plan.key or "")
    columns = [
        Column(header=f.source, name=f.json, type=f.type, required=f.required)
        for f in resource.fields
    ]
    from_csv = plan.source == "csv" and csv_path is not None
    if from_csv and csv_path is not None:
        raw = read_csv_rows(csv_path, plan, [c.header for c in columns])
    else:
        raw = synthetic_rows(
            columns,
            target=target.json if target else None,
            key=key.json if key else None,
            seed=analysis.project_plan.project_name,
        )
    rows = clean(raw, columns, key.json if key else None)
    resource = with_samples(resource, rows)
    by_json = {f.json: f for f in resource.fields}
    target = by_json[target.json] if target else None
    key = by_json[key.json] if key else None
    values = [row[target.json] for row in rows] if target else []
    task = learning_task(target.type if target else None, values)
    classes = sorted({str(v) for v in values if v is not None}) if task == "classification" else []
    dataset = Dataset(
        source="csv" if from_csv else "synthetic",
        file_name=plan.file_name,
        columns=resource.fields,
        target=target,
        key=key,
        raw=raw,
        rows=rows,
        task=task,
        classes=classes[:50],
    )
    return dataset, resource

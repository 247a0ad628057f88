"""The analyzer's domain model against the labelled SRDD sets: `python -m bench.domain`.

Reads the 110 labelled requests of ``tests/data/srdd_domain_labels.json`` (their texts from
``../shared/data/srdd.csv``), runs the full ``analyze`` (offline AG2 round-trip included) on
each, and scores entities and relations the way ``tests/data/README.md`` defines: precision,
recall and F1, micro-averaged, and the generic-fallback rate. It also times the analysis per
request. Figures go to ``bench/results.json`` under ``"domain_model"``; the test
``tests/agents/analyzer/test_domain_eval.py`` asserts the goals with the same scoring.

The same figures for the held-out set (``tests/data/srdd_domain_heldout.json``: 60 other
requests, labelled by the same guideline and never used to develop a rule) go under
``"held_out"``: how far the development set's figures carry over to requests nobody tuned on.
Two agreements between labellers go beside them: a second labelling of 30 development requests
(``"second_labeller"``) and of 30 training requests (``"training_second_labeller"``).
Under ``"with_labelled_entities"``, both sets again with the labels' entities chosen among the
nouns the parse reads and the links drawn as usual: the relation F1 the links reach once the
entities are right, which splits the relation error between the entities and the links.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.labelled_sets import HELD_OUT, SRDD, TRAINING_SECOND, Labelled, load_set, load_training
from bench.scoring import Predicted, Scores, agreement, evaluate, pair_entities, spread
from core.contracts import AnalysisResult

if TYPE_CHECKING:
    from agents.analyzer.domain import Candidate
    from agents.analyzer.model import Chooser
    from agents.analyzer.neighbours import Prior

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results.json"
GOALS = {"entity_f1": 0.8, "relation_f1": 0.6, "generic_fallback_rate": 0.05}


def _labels_choice(entities: list[list[str]]) -> Chooser:
    """A chooser of ``extract_domain`` that keeps the candidates the labels have."""
    from agents.analyzer.domain import settle

    def choose(found: dict[str, Candidate], prior: Prior) -> list[Candidate]:
        settled = settle(found, prior)
        labelled = pair_entities([candidate.name for candidate in settled], entities)
        return [candidate for candidate in settled if candidate.name in labelled]

    return choose


def with_labelled_entities(labelled: list[Labelled]) -> Scores:
    """The figures when the analyzer's entities are the labels' choice among the candidates
    its parse reads (named as it names them), its links drawn as usual: the relation F1 its
    links reach once the entities are right, and so how much of the relation error is the
    entities'. Scores ``extract_domain`` (what ``analyze`` draws for a text request)."""
    from agents.analyzer.model import extract_domain

    scores = Scores()
    for request in labelled:
        domain = extract_domain(request.text, choose=_labels_choice(request.entities))
        scores.add(request, Predicted.of(domain))
    return scores


def _plan_all(labelled: list[Labelled]) -> tuple[dict[int, AnalysisResult], list[float]]:
    from agents.analyzer import analyze
    from agents.llm import BackendSpec
    from core.contracts import PipelineRequest, slugify

    spec, plans, seconds = BackendSpec(), {}, []
    analyze(PipelineRequest.from_inputs(text="Warm-up: books have a title."), spec=spec)
    for request in labelled:
        started = time.perf_counter()
        plans[request.row] = analyze(
            PipelineRequest.from_inputs(text=request.text, name=slugify(request.name)), spec=spec
        )
        seconds.append(time.perf_counter() - started)
    return plans, seconds


def _extract_all(labelled: list[Labelled]) -> list[float]:
    """Seconds the domain model alone (parse and rules) takes per request."""
    from agents.analyzer.model import extract_domain

    seconds = []
    for request in labelled:
        started = time.perf_counter()
        extract_domain(request.text)
        seconds.append(time.perf_counter() - started)
    return seconds


def _figures_of(scores: Scores) -> dict[str, Any]:
    figures = scores.figures()
    return {key: figures[key] for key in ("entities", "relations", "relations_by_ends_only")}


def main() -> int:
    from bench.figures import figure

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--show", action="store_true", help="Print each request's comparison.")
    args = parser.parse_args()
    if not SRDD.is_file():
        print(f"SRDD is not at {SRDD}; nothing measured.", file=sys.stderr)
        return 1
    labelled, held_out = load_set(), load_set(HELD_OUT)
    plans, seconds = _plan_all(labelled)
    development, held = evaluate(plans, labelled), evaluate(_plan_all(held_out)[0], held_out)
    if args.show:
        for request in labelled:
            predicted = Predicted.of(plans[request.row])
            print(f"{request.name}: labels {request.entities} {request.relations}")
            print(f"    drawn {predicted.entities} {predicted.relations}\n")
    measured = {
        "requests": len(labelled),
        "source": "tests/data/srdd_domain_labels.json over ../shared/data/srdd.csv, offline",
        "goals": GOALS,
        **development.figures(),
        "relation_f1_spread": spread(development.per_request),
        "goal_ms_per_request": "<= 200 (median)",
        "analyze_per_request": figure([s * 1000 for s in seconds], unit="ms"),
        "extract_domain_per_request": figure([s * 1000 for s in _extract_all(labelled)], "ms"),
        "held_out": {
            "requests": len(held_out),
            "source": "tests/data/srdd_domain_heldout.json: never used to develop a rule",
            **held.figures(),
            "relation_f1_spread": spread(held.per_request),
        },
        "with_labelled_entities": {
            "what": "the labels' entities chosen among the candidates the parse reads, the "
            "links drawn as usual: how far the relations go once the entities are right",
            "development": _figures_of(with_labelled_entities(labelled)),
            "held_out": _figures_of(with_labelled_entities(held_out)),
        },
        "second_labeller": {
            "requests": 30,
            "source": "tests/data/srdd_domain_second_labeller.json against the first labels",
            **agreement(labelled).figures(),
        },
        "training_second_labeller": {
            "requests": 30,
            "source": "tests/data/srdd_domain_training_second_labeller.json against the "
            "training labels",
            **agreement([request for request, _ in load_training()], TRAINING_SECOND).figures(),
        },
    }
    results = json.loads(args.results.read_text()) if args.results.is_file() else {}
    results["domain_model"] = measured
    args.results.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(measured, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

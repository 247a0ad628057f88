"""The things a request manages, read from its parse: which nouns become entities.

The rules, over the parse of ``agents.analyzer.parsing``:

1. Every common noun is a candidate, known by its lemma. One noun modifier stays in its name
   ("workout plans" -> ``WorkoutPlan``) unless the modifier is a candidate of its own, when it
   is a link instead ("project tasks": a ``Task`` of a ``Project``, see ``.relations``).
2. A candidate earns evidence from how the request uses it: the object of a verb that acts on
   stored things (create, track, schedule, book, upload ...) counts most, then the subject of
   "have"/"include", the object of any verb, a noun's complement; a plural or an "each" adds
   to it, and so does being named again. In a list ("tasks, notes and tags") every item has
   the first one's role. "A variety of dishes" gives "dishes" the role of "variety".
3. Nouns that are never stored things (the product, its users, features, screens, abstract
   and mass nouns: ``agents.analyzer.lexicon``) are left out, and so are the examples after
   "such as" (castles and farms are structures, not kinds of their own). Attributes (a date,
   a priority, stress *levels*) need more evidence than other nouns.
4. Candidates at or above ``THRESHOLD`` become entities, at most ``MAX_ENTITIES``, in the order
   the request names them. When none reaches it, the best-evidenced noun stands in; only a
   request with no usable noun at all gets the generic entity, and the plan says so.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from agents.analyzer import lexicon
from agents.analyzer.parsing import Token
from agents.analyzer.vocabulary import ADJECTIVES, ING_NOUNS

THRESHOLD = 2.0
MAX_ENTITIES = 8
# A weaker candidate still stands in when nothing reaches the threshold.
STAND_IN_THRESHOLD = 1.0
_ATTRIBUTE_PENALTY = 1.5
# What the object of a verb earns, by the verb's kind (``_verb_tier``).
_FEATURE_EVIDENCE = 2.5
NOT_MODIFIERS = lexicon.NOT_ENTITIES | lexicon.MANAGING_VERBS | ADJECTIVES | lexicon.LIGHT_VERBS
_VERB_WEIGHTS = {"managing": 2.5, "viewing": 2.0, "content": 1.75, "output": 0.5, "other": 1.0}
_NOUNS = ("NOUN", "PROPN")
# "a variety of X": X takes the role of the quantity word.


@dataclass
class Candidate:
    """A noun of the request and the evidence that it names a stored thing."""

    key: str  # the head noun's lemma
    first: int  # token index of its first mention
    mentions: list[int] = field(default_factory=list)
    names: Counter[str] = field(default_factory=Counter)  # "workout plan", "plan"
    best: float = 0.0

    @property
    def score(self) -> float:
        return self.best + min(1.5, 0.5 * (len(self.mentions) - 1))

    @property
    def name(self) -> str:
        """The form the request uses most; a modified form wins a tie (it says more)."""
        return max(self.names.items(), key=lambda item: (item[1], len(item[0])))[0]


def is_noun(token: Token, before: Token | None = None) -> bool:
    """A common noun that could name a stored thing (not a gerund, not a proper name)."""
    if token.pos not in _NOUNS or not token.lower.isalpha() or len(token.lower) < 3:
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


def _examples(tokens: list[Token]) -> set[int]:
    """Indices of the words listed after "such as", "like", "e.g." or "including"."""
    found: set[int] = set()
    for token in tokens:
        starts = token.lower in ("as", "like", "including") and token.dep == "prep"
        if starts and (token.lower != "as" or tokens[token.index - 1].lower == "such"):
            objects = [t for t in tokens if t.head == token.index and t.dep == "pobj"]
            found.update(_with_conjuncts(tokens, objects))
    return found


def _with_conjuncts(tokens: list[Token], roots: list[Token]) -> set[int]:
    found: set[int] = set()
    stack = list(roots)
    while stack:
        token = stack.pop()
        found.add(token.index)
        stack += [t for t in tokens if t.head == token.index and t.dep == "conj"]
    return found


def _role(tokens: list[Token], token: Token) -> Token:
    """The word whose role ``token`` shares: the first item of its list, a quantifier's."""
    for _ in range(20):  # a bound on the walk; a parse is a tree, this only guards a cycle
        head = tokens[token.head]
        if token.dep == "conj" and head.index != token.index:
            token = head
        elif token.dep == "pobj" and head.lower == "of":
            owner = tokens[head.head]
            vague = owner.lemma in lexicon.HOLDERS or owner.lemma in lexicon.NOT_ENTITIES
            if not vague or owner.index == head.index:
                return token
            token = owner
        else:
            return token
    return token


def evidence(tokens: list[Token], token: Token, roles: int = 1) -> float:
    """How strongly one mention says its noun is a stored thing (``roles``: how many kinds of
    people the request names; one kind alone is its users)."""
    role = _role(tokens, token)
    head = tokens[role.head]
    score = 0.0
    surface = _after_managing_verb(tokens, role) or _after_managing_verb(tokens, token)
    if _kept_track_of(tokens, role) or surface:
        score += 2.5
    elif role.dep in ("dobj", "nsubjpass") and head.pos in ("VERB", "AUX"):
        score += _VERB_WEIGHTS.get(_verb_tier(head.lemma), 1.0)
    elif role.dep == "pobj":
        governor = tokens[head.head]
        if governor.pos == "VERB":
            tier = _verb_tier(governor.lemma)
            score += 1.5 if tier in ("managing", "viewing") else 0.5
        elif governor.pos in _NOUNS:
            score += 1.0
    elif role.dep == "nsubj" and head.lemma in lexicon.HAVING_VERBS and _has_object(tokens, head):
        score += 2.0
    elif role.dep in ("nsubj", "appos"):
        score += 0.5
    if token.tag == "NNS":
        score += 1.0
    if token.lemma in lexicon.PERSON_ROLES:
        score += 1.0 if roles > 1 else -1.0
    if any(t.head == token.index and t.lower in ("each", "every") for t in tokens):
        score += 1.0
    if token.lemma in lexicon.ATTRIBUTES or token.lemma in lexicon.SENT:
        score -= _ATTRIBUTE_PENALTY
    if token.tag == "NN" and not _determined(tokens, token):
        score -= 0.5  # a mass use ("offer guidance", "track attendance")
    return score


def _after_managing_verb(tokens: list[Token], token: Token) -> bool:
    """A managing verb a few words before, with only modifiers and other nouns of a list
    between ("managing ancient resources", "schedule tutoring or mentorship sessions"): read
    from the surface, for the parses that miss the object."""
    for back in range(1, 6):
        if token.index - back < 0:
            return False
        word = tokens[token.index - back]
        if _verb_in_place(tokens, word):
            return word.tag != "VBN"  # "based", "designed": participles describe, not act
        if word.pos not in ("DET", "ADJ", "ADV", "PRON", "NUM", "NOUN", "CCONJ"):
            return False
    return False


def _verb_in_place(tokens: list[Token], word: Token) -> bool:
    """A managing verb, or a word spelt like one where a verb stands ("and schedule ...")."""
    if word.lemma not in lexicon.MANAGING_VERBS and word.lower not in lexicon.MANAGING_VERBS:
        return False
    if word.pos == "VERB":
        return True
    before = tokens[word.index - 1].lower if word.index else ""
    return before in ("to", "and", "or", "can", "will", "may", ",")


def _followed_by_of(tokens: list[Token], token: Token) -> bool:
    return token.index + 1 < len(tokens) and tokens[token.index + 1].lower == "of"


def _determined(tokens: list[Token], token: Token) -> bool:
    return any(
        t.head == token.index and t.dep in ("det", "poss", "nummod", "compound", "amod")
        for t in tokens
    )


def _kept_track_of(tokens: list[Token], role: Token) -> bool:
    """ "keep track of X": X is tracked, whatever the parser made of "track"."""
    if role.dep != "pobj" or tokens[role.head].lower != "of":
        return False
    track = tokens[tokens[role.head].head]
    return track.lemma == "track" and tokens[track.head].lemma == "keep"


def _abstract(lemma: str) -> bool:
    """Nouns of quality or state: -ness, -ism, -hood, and -ity bar a few concrete ones."""
    if lemma.endswith(("ness", "ism", "hood")):
        return True
    return lemma.endswith("ity") and lemma not in lexicon.CONCRETE_ITY


def _verb_tier(lemma: str) -> str:
    for tier, verbs in (
        ("managing", lexicon.MANAGING_VERBS),
        ("viewing", lexicon.VIEWING_VERBS),
        ("content", lexicon.CONTENT_VERBS),
        ("output", lexicon.OUTPUT_VERBS),
    ):
        if lemma in verbs:
            return tier
    return "other"


def _has_object(tokens: list[Token], verb: Token) -> bool:
    return any(t.head == verb.index and t.dep == "dobj" for t in tokens)


def _modifier(tokens: list[Token], token: Token) -> Token | None:
    """The noun right before ``token`` that modifies it ("workout" of "workout plans")."""
    before = tokens[token.index - 1] if token.index else None
    if before is None or before.head != token.index or before.dep != "compound":
        return None
    plain = before.pos in _NOUNS and before.lower.isalpha() and len(before.lower) > 2
    if not plain or before.tag not in ("NN", "NNS") or before.lemma in NOT_MODIFIERS:
        return None
    return before


def _named_feature(tokens: list[Token], token: Token) -> bool:
    """The word before "feature", "system" ...: "a messaging feature", "a payment system"."""
    head = tokens[token.head]
    if head.lemma not in lexicon.FEATURE_HEADS or token.index != head.index - 1:
        return False
    if token.tag == "VBG":
        return token.lemma not in lexicon.MANAGING_VERBS | lexicon.NOT_ENTITIES
    return token.dep == "compound" and is_noun(token)


def candidates(tokens: list[Token]) -> dict[str, Candidate]:
    """Every candidate noun of the request with its evidence, by lemma."""
    examples = _examples(tokens)
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
            feature = found.setdefault(token.lemma, Candidate(key=token.lemma, first=token.index))
            feature.mentions.append(token.index)
            feature.names[token.lemma] += 1
            feature.best = max(feature.best, _FEATURE_EVIDENCE)
            continue
        if not is_noun(token, before) or token.index in examples or token.dep == "compound":
            continue
        if token.lemma in lexicon.QUANTIFIERS and _followed_by_of(tokens, token):
            continue
        modifier = _modifier(tokens, token)
        if modifier and token.lemma in lexicon.ATTRIBUTES:
            continue  # "stress levels", "task deadlines": an attribute of something else
        candidate = found.setdefault(token.lemma, Candidate(key=token.lemma, first=token.index))
        candidate.mentions.append(token.index)
        words = f"{modifier.lemma} {token.lemma}" if modifier else token.lemma
        candidate.names[words] += 1
        candidate.best = max(candidate.best, evidence(tokens, token, roles))
    players_with_state(tokens, found)
    return found


def _plain_names(found: dict[str, Candidate]) -> None:
    """A modifier that is itself a candidate links rather than names: "project task" -> task."""
    for candidate in found.values():
        for words in list(candidate.names):
            modifier = words.split()[0] if " " in words else None
            if modifier in found and found[modifier].score >= THRESHOLD:
                candidate.names[candidate.key] += candidate.names.pop(words)


def players_with_state(tokens: list[Token], found: dict[str, Candidate]) -> None:
    """Players who own tracked things ("their scores", "their inventory") are data too."""
    players = [t for t in tokens if t.lemma == "player"]
    owned = [
        t
        for t in tokens
        if t.lemma in lexicon.PLAYER_STATE
        and any(p.head == t.index and p.lower in ("their", "your") for p in tokens)
    ]
    if len(players) >= 2 and owned:
        candidate = found.setdefault("player", Candidate(key="player", first=players[0].index))
        candidate.mentions = sorted({*candidate.mentions, *(p.index for p in players)})
        candidate.names["player"] += 1
        candidate.best = max(candidate.best, THRESHOLD)


def select(found: dict[str, Candidate]) -> list[Candidate]:
    """The candidates that become entities, in the order the request names them."""
    _plain_names(found)
    ranked = sorted(found.values(), key=lambda c: (-c.score, c.first))
    chosen = [c for c in ranked if c.score >= THRESHOLD][:MAX_ENTITIES]
    if not chosen and ranked and ranked[0].score >= STAND_IN_THRESHOLD:
        chosen = ranked[:1]
    return sorted(chosen, key=lambda c: c.first)

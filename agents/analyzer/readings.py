"""Word patterns that say how a noun is used, read from the parse (``agents.analyzer.domain``).

Examples after "such as", the second name of a pair joined by "or", verbs the tagger took for
nouns, nouns before an activity of managing ("task management") or before their details or
container ("event details", "task lists"), and what players handle ("players manage
resources").
"""

from __future__ import annotations

from agents.analyzer import lexicon
from agents.analyzer.evidence import NOUNS
from agents.analyzer.parsing import Token, children
from agents.analyzer.vocabulary import ADJECTIVES

NOT_MODIFIERS = lexicon.NOT_ENTITIES | lexicon.MANAGING_VERBS | ADJECTIVES | lexicon.LIGHT_VERBS
# Examples of these are the things themselves ("features such as group chats").
_FEATURE_WORDS = lexicon.words("feature experience functionality capability option")


def examples(tokens: list[Token]) -> set[int]:
    """Indices of the words listed after "such as", "like", "e.g." or "including", when they
    are examples of a kind of thing ("structures such as castles"); examples of a feature or
    an experience ("features such as group chats") are the things themselves."""
    found: set[int] = set()
    for token in tokens:
        starts = token.lower in ("as", "like", "including") and token.dep == "prep"
        if starts and (token.lower != "as" or tokens[token.index - 1].lower == "such"):
            if tokens[token.head].lemma in _FEATURE_WORDS:
                continue
            objects = children(tokens, token, "pobj")
            found.update(with_conjuncts(tokens, objects))
    return found


def with_conjuncts(tokens: list[Token], roots: list[Token]) -> set[int]:
    found: set[int] = set()
    stack = list(roots)
    while stack:
        token = stack.pop()
        found.add(token.index)
        stack += children(tokens, token, "conj")
    return found


def misread_verb(tokens: list[Token], token: Token) -> bool:
    """A verb of managing the tagger took for a noun: spelt like one, after "and", "to" or a
    comma, and followed by its object ("search for professionals, and *request* mentorships",
    "track and *record* player statistics"), or any word the parse itself gives a direct object
    ("monitors traffic and *identifies* intrusions"): a noun never takes one."""
    if any(child.pos in NOUNS for child in children(tokens, token, "dobj")):
        return True
    if token.lower not in lexicon.MANAGING_VERBS or token.index + 1 >= len(tokens):
        return False
    before = tokens[token.index - 1].lower if token.index else ""
    after = tokens[token.index + 1]
    return before in ("and", "or", "to", ",") and after.pos in ("NOUN", "DET", "ADJ", "PRON")


def alternative(tokens: list[Token], token: Token) -> bool:
    """The second noun of a pair joined by "or" ("labels or tags", "courses or webinars"): a
    second name for the first, not a kind of its own. Longer lists ("photos, videos, or
    songs") name different things and are kept."""
    head = tokens[token.head]
    if token.dep != "conj" or head.pos not in NOUNS or head.dep == "conj" or token.left < 1:
        return False
    if tokens[token.left - 1].lower != "or" or children(tokens, token, "conj"):
        return False
    return [t.index for t in children(tokens, head, "conj")] == [token.index]


def managed_compound(tokens: list[Token], token: Token) -> bool:
    """The noun before an activity of managing: "*task* management", "*expense* tracking",
    "a shopping *list* organization app": the request manages those things."""
    head = tokens[token.head]
    return (
        token.dep == "compound"
        and token.index == head.index - 1
        and head.lemma in lexicon.MANAGING_ACTIVITIES
        and token.tag in ("NN", "NNS")
        and token.lemma not in lexicon.ATTRIBUTES  # "date setting": an attribute
    )


def described_compound(tokens: list[Token], token: Token) -> bool:
    """The noun before its details or a container of it: "*team* statistics", "*event*
    details", "*task* lists", "*unit* types" (a plural: "a contract type" is a field): a
    thing with data of its own, so a thing the request keeps."""
    head = tokens[token.head]
    kinds = head.lemma == "type" and head.tag == "NNS"
    holders = lexicon.DETAILS | lexicon.words("list collection catalog catalogue library")
    return (
        token.dep == "compound"
        and token.index == head.index - 1
        and (head.lemma in holders or kinds)
        and token.tag in ("NN", "NNS")
        and token.lemma not in NOT_MODIFIERS  # "track progress": a verb the tagger missed
    )


def players_handle(tokens: list[Token], thing: Token) -> bool:
    """ "Players must manage resources, train armies": the object of a verb of managing (or
    of the verbs of one list) whose subject is the players. "Players have a score" is not:
    having is no handling."""
    verb = tokens[thing.head]
    if thing.dep != "dobj" or verb.lemma not in lexicon.MANAGING_VERBS:
        return False
    for _ in range(20):
        if any(s.lemma == "player" for s in children(tokens, verb, "nsubj")):
            return True
        if verb.dep != "conj" or verb.head == verb.index:
            return False
        verb = tokens[verb.head]
    return False

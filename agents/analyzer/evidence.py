"""How strongly one mention of a noun says it names a stored thing (``agents.analyzer.domain``).

The role the noun plays decides most: the object of a verb that acts on stored things
(create, track, schedule, book ...) earns most, then the object of a verb of looking at them
(browse, search), of having them (the game *features* ten levels), of any other verb, and
least the object of a verb of what the product computes (analyse, detect). A noun after a
preposition earns from the verb or noun it hangs on. In a list every item has the first one's
role, and "a variety of dishes" gives "dishes" the role of "variety". A plural or an "each"
adds; an attribute word (a date, a priority), a mass use ("offer guidance") or a list that
starts with a feature or a quality ("visual cues and instructions") takes away. A
person earns more when the request tells several kinds of people apart, and less when it
names only one (then they are its users). Where the parser missed a verb, a managing verb a
few words before the noun still counts ("and schedule tutoring or mentorship sessions").
"""

from __future__ import annotations

from agents.analyzer import lexicon
from agents.analyzer.parsing import Token, children

NOUNS = ("NOUN", "PROPN")
_ATTRIBUTE_PENALTY = 1.5
_TIME_PREPOSITIONS = lexicon.words("during until till throughout after before since")
_COUNTING = lexicon.words("multiple several many various different numerous")
# What the object of a verb earns, by the verb's kind (``_verb_tier``).
_VERB_WEIGHTS = {"managing": 2.5, "viewing": 2.0, "content": 1.75, "output": 0.5, "other": 1.0}


def role_of(tokens: list[Token], token: Token) -> Token:
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
    role = role_of(tokens, token)
    head = tokens[role.head]
    score = 0.0
    surface = _after_managing_verb(tokens, role) or _after_managing_verb(tokens, token)
    if _kept_track_of(tokens, role) or surface:
        score += 2.5
    elif _served(tokens, role):
        pass  # "help children", "provide designers with tools": the product's users
    elif role.dep in ("dobj", "nsubjpass") and head.pos in ("VERB", "AUX"):
        score += _VERB_WEIGHTS.get(_verb_tier(head.lemma), 1.0)
    elif role.dep == "pobj" and head.lower in _TIME_PREPOSITIONS:
        pass  # "during designated work periods": a time, not a thing
    elif role.dep == "pobj":
        governor = tokens[head.head]
        if governor.pos == "VERB":
            tier = _verb_tier(governor.lemma)
            score += 1.5 if tier in ("managing", "viewing") else 0.5
        elif governor.pos in NOUNS:
            score += 1.0
    elif role.dep == "nsubj" and head.lemma in lexicon.HAVING_VERBS and _has_object(tokens, head):
        score += 2.0
    elif role.dep in ("nsubj", "appos"):
        score += 0.5
    if token.tag == "NNS":
        score += 1.0
    if _listed_with_features(tokens, token):
        score -= 1.0  # "visual cues and instructions", "playback speed, transition effects"
    if token.lemma in lexicon.PERSON_ROLES:
        score += 1.0 if roles > 1 else -1.0
    if any(t.lower in ("each", "every") for t in children(tokens, token)):
        score += 1.0
    set_up = role.dep == "dobj" and (head.lemma == "set" or _verb_tier(head.lemma) == "managing")
    attribute = token.lemma in lexicon.ATTRIBUTES and not _counted(tokens, token)
    if attribute or (token.lemma in lexicon.SENT and not set_up):
        score -= _ATTRIBUTE_PENALTY  # a reminder the user sets up is data (tests/data/README)
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


def _served(tokens: list[Token], role: Token) -> bool:
    """The object of a verb of serving people ("empower musicians", "provide designers *with*
    ...", "connect students *with* ..."): the people the product serves, not its data."""
    head = tokens[role.head]
    if role.dep == "nsubj" and head.dep in ("ccomp", "xcomp"):  # "helps children explore"
        return tokens[head.head].lemma in lexicon.SERVING_VERBS
    if role.dep != "dobj" or head.pos != "VERB":
        return False
    if head.lemma in lexicon.SERVING_VERBS:
        return True
    return head.lemma in lexicon.SERVING_WITH_VERBS and any(
        p.lower == "with" for p in children(tokens, head, "prep")
    )


def _counted(tokens: list[Token], token: Token) -> bool:
    """A plural counted out ("multiple levels", "ten levels", "different themed levels"):
    things of their own, since an attribute (a skill level, a due date) is not counted."""
    return token.tag == "NNS" and any(
        t.lower in _COUNTING or t.dep == "nummod" for t in children(tokens, token)
    )


def _listed_with_features(tokens: list[Token], token: Token) -> bool:
    """A later item of a list that starts with a feature, a quality or an attribute."""
    first = token
    for _ in range(20):
        if first.dep != "conj" or first.head == first.index:
            break
        first = tokens[first.head]
    if first.index == token.index or first.pos not in NOUNS:
        return False
    if first.lemma in lexicon.DETAILS:  # "meeting details, attendees and agenda": data
        return False
    return first.lemma in lexicon.NOT_ENTITIES or first.lemma in lexicon.ATTRIBUTES


def _determined(tokens: list[Token], token: Token) -> bool:
    return any(
        t.dep in ("det", "poss", "nummod", "compound", "amod") for t in children(tokens, token)
    )


def _kept_track_of(tokens: list[Token], role: Token) -> bool:
    """ "keep track of X": X is tracked, whatever the parser made of "track"."""
    if role.dep != "pobj" or tokens[role.head].lower != "of":
        return False
    track = tokens[tokens[role.head].head]
    return track.lemma == "track" and tokens[track.head].lemma == "keep"


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
    return bool(children(tokens, verb, "dobj"))

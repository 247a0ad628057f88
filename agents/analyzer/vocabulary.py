"""English word lists the text heuristics rely on: what is never an entity, never a field, and
which words in a field's name give away its type.

Kept apart from the matching logic in ``agents.analyzer.text`` so a reader can tune a list
without reading a regular expression. The lists were tuned on the 1,200 SRDD requests.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


DETERMINERS = _words("each every all a an the our your their its any")

# Never a model of their own: the product itself, its users, vague or abstract nouns.
GENERIC_NOUNS = _words(
    "user player app application system platform tool software interface feature option it this "
    "that they which who api service website site page dashboard program solution "
    "version way time data information detail thing ability functionality support access "
    "experience environment world process progress performance insight result setting "
    "preference mode everything something anything one people person each every all other none "
    "true false variety range number lot set list kind sort type form screen view chart graph "
    "report game gameplay graphic level character skill challenge module component collection "
    "library code individual family friend aspect area part"
)

# A field list ends at a part holding one of these: verbs, pronouns, modals, prepositions.
NOT_FIELD_WORDS = _words(
    "can will must should may allow allows help helps provide provides use uses using let lets "
    "make makes they them it its their his her you your we our he she is are be been was were "
    "more most various different many several other such also easily able ability feature "
    "features option options functionality information data details detail things stuff etc "
    "users user players player this these those who which what when how have has had do does "
    "for with and or in on at into onto from about to by along toward towards through across "
    "within others while would then friends family teammates themselves"
)

# Prepositions that start a field's name when an article comes first ("a from address").
PREPOSITION_NAMES = _words("from to")

# A field phrase that starts with one of these is an action ("add labels"), not a field.
ACTION_VERBS = _words(
    "add create choose manage share drag drop listen view edit select set make play join save "
    "send find search explore track compete connect protect challenge"
)

# Dropped in front of a field or entity noun ("a unique username", "their own budgets").
ADJECTIVES = _words(
    "optional required mandatory unique short brief full main custom own specific relevant "
    "basic simple new current single past overall key favorite favourite selected"
)
ADJECTIVE_ENDINGS = ("ly", "al", "ed", "ive", "ous", "ful", "able", "ible", "ic", "less", "ing")
VERB_ENDINGS = ("ize", "ise", "izes", "yzes", "ifies", "ate")

# Nouns in -ing that name a storable thing; other -ing words are activities.
ING_NOUNS = _words(
    "rating booking listing heading building setting painting meeting recording ranking "
    "wedding clothing housing reading ending opening morning evening string topping filling "
    "serving parking pricing timing billing shipping"
)

# Plurals in -ies whose singular ends in -ie, not -y.
IE_PLURALS = _words("movies cookies pies ties zombies rookies selfies brownies lies hoodies")

# Words that make a list look like fields, so "with" may introduce them without a lead verb.
FIELD_VOCABULARY = _words(
    "name title description email phone address url link status category note author isbn "
    "genre color colour tag location city country comment content body text summary username "
    "image photo date year deadline birthday"
)

# --- field types, read from the words of a field's name ----------------------------------------

BOOL_PREFIXES = _words("is has can allow allows")
BOOL_NAMES = _words(
    "active available enabled completed done paid published verified archived visible featured "
    "favorite favourite in_stock read private public churned cancelled canceled"
)
DATETIME_WORDS = _words("timestamp datetime")
DATETIME_TIME_PREFIXES = _words("start end departure arrival pickup check appointment meeting")
DATE_WORDS = _words("date birthday birthdate dob deadline")
INT_WORDS = _words(
    "count quantity qty age pages stock level duration minute seconds second hour capacity rank "
    "serving calorie step rep vote like view seat guest night point priority copy floor time "
    "runtime tenure year pages calories set"
)
# "phone number" and "ISBN number" are codes, not quantities.
CODE_NUMBERS = _words(
    "phone account card serial tracking license licence passport reference invoice contact "
    "mobile flight registration vat isbn policy order"
)
FLOAT_WORDS = _words(
    "price amount cost rating score salary balance weight height latitude longitude lat lng lon "
    "percent percentage rate total fee budget tax discount distance temperature income revenue "
    "average ratio gpa bmi speed charge humidity pressure voltage value spend rent deposit wage"
)

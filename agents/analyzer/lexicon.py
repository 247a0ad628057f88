"""Word lists the domain-model rules read (``agents.analyzer.domain`` and ``.relations``).

They are general English, grouped by what they say about a noun or a verb: never a stored
thing, a person with records of their own, an attribute of something else, a container of
other things; verbs that act on stored things. They were drawn from the nouns SRDD requests
use most (outside the labelled evaluation set), not from any one request. Lemmas, lower case.
"""

from __future__ import annotations


def words(text: str) -> frozenset[str]:
    """The set of the space-separated words of ``text``."""
    return frozenset(text.split())


# Never an entity: the product, its generic users, features, computed outputs, screens,
# activities, abstract and mass nouns, and things outside the software.
NOT_ENTITIES = words(
    # the product and its generic users
    "user software feature interface application app platform system tool program solution "
    "website site service version individual people person everyone someone "
    "enthusiast lover fan beginner expert other friend family community audience public "
    "participant human teammate colleague peer one "
    # features, capabilities, computed outputs
    "recommendation suggestion insight analysis analytic visualization representation report "
    "notification alert tip advice guidance assistance overview summary breakdown "
    "prediction forecast calculation estimation comparison search filter sorting filtering "
    "functionality capability ability option customization personalization "
    "integration support help tracking monitoring management planning organization scheduling "
    "sharing collaboration communication navigation access control "
    # screens and widgets
    "dashboard screen view chart graph timeline display editor panel button "
    "widget window tab timer "
    # abstract and mass nouns
    "time experience variety range set process performance progress improvement quality "
    "technique understanding knowledge skill strength weakness health wellbeing being "
    "productivity efficiency effectiveness accuracy convenience simplicity creativity "
    "entertainment fun satisfaction engagement growth success opportunity need "
    "aspect factor way manner kind sort type number lot part "
    "area world environment reality life lifestyle data datum information content detail "
    "knowledge basis purpose choice selection decision approach "
    "trend behavior behaviour relationship security privacy "
    "safety protection integrity reliability availability complexity difficulty "
    "intensity depth scale speed efficiency optimization responsibility effort focus scope "
    "restriction requirement expertise proficiency flexibility fitness "
    "gameplay mechanic physics graphic visual realism immersion excitement "
    "thrill adventure journey something anything everything nothing "
    "development learning use usage making taking reading writing "
    "movement direction work storage logistic appearance "
    # outside the software
    "internet web medium device computer phone smartphone browser market "
    "industry economy weather era sky "
    # the product's insides and presentation
    "algorithm layout overlay layer cue placement logistics fact aid reaction return operation "
    "backend frontend api model classifier regressor pipeline job batch workflow microservice "
    "row column cell export setting setup configuration "
    # mass nouns SRDD uses as objects of its verbs
    "criterion text joy hassle adrenaline teamwork confidentiality theft risk clarification "
    "context "
    "demand attention energy stress fitness nutrition sleep money wealth luck fame glory "
    "victory defeat balance harmony peace chaos strategy tactic dominance supremacy power "
)

# People the request tells apart, with records of their own; "with" such a person links.
PERSON_ROLES = words(
    "tutor student teacher instructor employee manager coach doctor patient athlete member "
    "customer client professional mentor mentee developer artist musician attendee guest "
    "visitor staff goalie learner contact driver passenger author reader volunteer candidate "
    "recruiter owner tenant landlord parent trainer therapist nurse pet speaker host organizer "
    "seller buyer vendor supplier traveler character agent player",
)

# Usually an attribute of something else: an entity only on strong evidence.
ATTRIBUTES = words(
    "hour minute day week month year second name title description date deadline priority "
    "status quantity condition price cost rating duration size color colour level score "
    "location time distance amount genre mood tempo theme style format value rate percentage "
    "weight height length width volume history frequency position orientation brightness "
    "contrast opacity resolution language currency address email phone number age gender "
    "caption label difficulty parameter preference interest availability budget balance "
    "total unit",
)

# Containers whose members are picked from elsewhere: container n-n member.
PICKING_CONTAINERS = words(
    "playlist collection cart basket portfolio deck bundle watchlist wishlist favorite "
    "soundtrack mix compilation selection itinerary order plan recipe",
)

# Containers that own their members: container 1-n member.
# What sorts or holds things without being made of them: it has the items, whatever the
# sentence's order ("expenses by category", "reservations at a restaurant").
SORTING_OWNERS = words("category genre topic type team restaurant table trip culture")

OWNING_CONTAINERS = words(
    "list notebook folder directory project board group series sequence library catalog "
    "catalogue shelf channel chat conversation thread course curriculum menu "
    "routine journal diary book page palette album fleet",
)

# Verbs whose objects are things the software stores and manages.
MANAGING_VERBS = words(
    "create manage organize organise track add store save record log book reserve schedule "
    "plan browse upload import input enter edit update delete remove assign allocate join "
    "place order post write publish share rate review tag categorize categorise sort group "
    "arrange collect catalog catalogue bookmark list follow invite attend register buy sell "
    "purchase build design compose customize customise define configure "
    "monitor play listen select choose pick "
    "submit request accept decline send receive attach link connect label archive favorite "
    "vote comment annotate caption trade hire train recruit evaluate assess "
    # what games do to their content
    "unlock upgrade complete solve defeat fight conquer equip craft breed grow harvest earn "
    "win capture destroy shoot battle battle collect customise",
)

# Verbs of looking at stored things: weaker than managing them, stronger than other verbs.
VIEWING_VERBS = words(
    "browse view read watch explore discover search find compare access participate engage "
    "enroll subscribe navigate visit collaborate",
)

# Verbs of what the product computes or shows: their objects are outputs, not stored things.
# (What a monitor detects or identifies, events and intrusions, it records: not listed.)
OUTPUT_VERBS = words(
    "analyze analyse simulate calculate compute estimate "
    "predict suggest understand overcome ensure enhance improve minimize maximize "
    "optimize reduce consider use utilize draw",
)

# Things attached to another thing the request is about (a review of a restaurant).
ATTACHED = words(
    "review rating comment note photo picture reminder caption annotation feedback score "
    "bookmark attachment image video tutorial instruction step evaluation assessment "
    "appraisal",
)

# Verbs whose object is part of what the product holds ("the game features ten levels").
CONTENT_VERBS = words(
    "include feature offer contain have hold comprise showcase provide generate display show"
)
# A player's own things: when a request tracks these, players are data, not just users.
PLAYER_STATE = words(
    "score progress inventory character weapon skill stat statistic achievement profile team "
    "army resource kingdom empire avatar level record ranking"
)

# Verbs that only mean "has": the subject owns the object.
HAVING_VERBS = words("have include contain hold feature comprise own carry store host")

# Things that happen at a time and are held with people: a start time, and the people
# named in the request each have many of them.
SCHEDULED = words(
    "meeting appointment session event booking reservation lesson class shift match trip "
    "flight visit interview consultation workout",
)

# Things that are an amount of money: an amount field.
MONEY = words(
    "expense income payment transaction order bet purchase sale budget donation invoice bill "
    "trade subscription refund",
)

# A field name for a thing that is read rather than named ("a title", not "a name").
TITLED = words(
    "article post note task book movie film song track video episode podcast recipe event "
    "course lesson story chapter page document quiz question challenge mission quest project "
    "goal idea entry album playlist news",
)

# "a variety of X": X takes the role of the quantity word; these are never entities.
QUANTIFIERS = words(
    "variety range number lot set selection array host wealth multitude plethora assortment "
    "mix series kind type sort abundance handful couple"
)
# Containers named by what they hold ("a library of recipes"): their items take their role.
HOLDERS = QUANTIFIERS | words("database library catalog catalogue list collection")
# What the product sends by itself; an entity only when the user sets one up.
SENT = words("reminder")
# Verbs of the product serving its users: their objects are users, not data.
SERVING_VERBS = words("help allow enable empower assist let guide serve aid")
# Verbs that serve their object *with* something ("provide designers with patterns").
SERVING_WITH_VERBS = words("provide connect present supply equip")
# "a messaging feature": the feature manages messages.
FEATURE_HEADS = words("feature system functionality tool option capability module")
# -ity nouns that name things rather than qualities.
CONCRETE_ITY = words(
    "activity city facility property celebrity charity university entity commodity"
)
# Verbs the tagger takes for noun modifiers ("form alliances", "wage wars").
LIGHT_VERBS = words("form wage make take give run do hold keep get")
# Activities of managing things: the noun before one names what is managed ("task management").
MANAGING_ACTIVITIES = words(
    "management organization organisation tracking tracker planning planner scheduling "
    "scheduler organizer organiser logging logger setting sharing search recommendation "
    "suggestion"
)
# What a thing's data is called as a whole ("event details", "player performance").
DETAILS = words("detail information progress performance statistic stat history")
# Marks put on things, many to many with them.
TAGS = words("tag label hashtag keyword")
# People who attend what is held (an event has many, each goes to many): many to many.
ATTENDING = words("attendee guest member participant visitor speaker vendor volunteer")
# Words English uses for one and the same thing: one entity, whichever the request says first.
SYNONYMS = (words("photo image picture"), words("folder directory"))

"""Explicit phrases per safety level: a floor under the classifier that can only raise a level.

Kept narrow on purpose: a phrase belongs here only when it means danger in every sentence
a carer might write. Words that are often harmless ("niet meer", "kapot", "vastgemaakt",
"slaan", "gevallen", "noodgeval", "beroerte") are left to the classifier, which learnt
them in both senses (safety/examples/). Plain Python: the channels reuse it.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Dict, List, Optional, Pattern, Tuple

from safety.levels import Level

_RELATIVE = (r"(?:vader|moeder|ma|pa|man|vrouw|partner|echtgeno(?:ot|te)|opa|oma|schoon\w+|zoon|"
             r"dochter|broer|zus|kind|tante|oom|vriend|vriendin|buurman|buurvrouw|cli[eë]nt)")
_PERSON = r"(?:hem|haar|(?:mijn|m'n|de|onze)\s+" + _RELATIVE + r")"
# in a told act one word may stand between: "ik heb mijn zieke vader geduwd"; not in the present
# "als ik mijn zieke partner vastbind", a carer's question about the rules (the classifier decides)
_PERSON_DESCRIBED = r"(?:hem|haar|(?:mijn|m'n|de|onze)\s+(?:\w+\s+)?" + _RELATIVE + r")"

# someone who does not respond (not to texts, calls or a medicine), and breathing that is wrong
# or a person on the floor: together, the first-aid pages' reason to call 112 (see _PHRASES)
_NO_RESPONSE = (r"\b(?:reageert\s+(?:\w+\s+){0,2}niet\b(?!\s+(?:meer\s+)?op\s+(?:\w+\s+)?"
                r"(?:bericht\w*|app\w*|telefoon|mail\w*|medicijn\w*|medicatie|behandeling))|reageert\s+nergens\s+(?:meer\s+)?op\b"
                r"|geeft\s+(?:\w+\s+){0,2}geen\s+(?:antwoord|reactie)\b|antwoordt\s+niet\b)")
_BAD_BREATHING = (r"(?:\b(?:slecht|moeilijk|zwaar|raar|vreemd|onregelmatig|nauwelijks|amper|langzaam|snurkend|reutelend"
                  r"|hijgend)\s+(?:\w+\s+)?adem\w*|\badem\w*\s+(?:\w+\s+){0,2}(?:slecht|moeilijk|raar|vreemd"
                  r"|onregelmatig|nauwelijks|amper|langzaam|niet\s+goed|niet\s+normaal)\b"
                  r"|\bligt\s+(?:\w+\s+){0,3}op\s+de\s+(?:grond|vloer)\b)")
_NO_RESPONSE_EN = r"\b(?:(?:not|isn't|is\s+not|won't|doesn't)\s+(?:respond\w*|answer\w*|wake\s+up)|unresponsive)\b"
_BAD_BREATHING_EN = (r"(?:\b(?:barely|hardly|strange\w*|weird\w*|gasping|noisy|slow\w*)\s+(?:\w+\s+)?breath\w*"
                     r"|\bbreath\w*\s+(?:\w+\s+)?(?:strange\w*|weird\w*|badly|slow\w*)\b"
                     r"|\b(?:lying|lies)\s+(?:\w+\s+){0,3}on\s+the\s+floor\b)")

_PHRASES: Dict[Level, List[str]] = {
    Level.ACUTE: [
        # suicide as someone's thought, plan, attempt or threat now; the bare word is left to
        # the classifier, which learnt it in both senses: it is also a school project about
        # 113, a child's question about the news, and the bereaved after a suicide
        # (safety/examples/practical.yml), for whom 112 and "denkt u aan zelfdoding?" miss the point
        r"(?:zelfmoord|su[iï]cide|zelfdoding)s?(?:gedachte|neiging|plan|poging|wens)", r"su[iï]cida\w*",
        r"\b(?:denk|denkt|dacht|denken|gedachten?|praat|praten|sprak|begint|begon)\s+(?:\w+\s+){0,3}(?:aan|over)\s+"
        r"(?:zelfmoord|zelfdoding|su[iï]cide)\b",
        r"\b(?:zelfmoord|zelfdoding|su[iï]cide)\s+(?:te\s+)?(?:plegen|pleeg|pleegt|doen)\b",
        r"\bdreig\w*\s+(?:\w+\s+){0,2}met\s+(?:zelfmoord|zelfdoding)\b",
        r"\boverw\w+\s+(?:\w+\s+){0,2}(?:zelfmoord|zelfdoding|su[iï]cide)\b",
        r"^\W*(?:zelfmoord|zelfdoding|su[iï]cide)\W*$",
        r"\bdood\s+(?:willen|wil)\b",
        # also with a softening word between: "soms wil ik gewoon dood", "ik wil eigenlijk dood"
        r"\bwil\s+(?:ik\s+|hij\s+|ze\s+|zij\s+)?(?:(?:gewoon|eigenlijk|echt|liever|soms|ook|nu|zelf|het\s+liefst)\s+)?"
        r"dood(?:gaan)?\b",
        r"\bwil\s+niet\s+meer\s+leven\b", r"\bniet\s+meer\s+willen\s+leven\b",
        r"\bwil\s+niet\s+langer\s+leven\b",
        r"\b(?:niet\s+langer|zo\s+niet)\s+(?:\w+\s+){0,2}(?:wil|willen|wilde)\s+(?:\w+\s+)?leven\b",
        # indirect wishes to die as suicide-prevention pages list them ("ik zou willen slapen en nooit
        # meer wakker worden", "jullie zijn beter af zonder mij", "het hoeft voor mij niet meer":
        # https://www.heyhoegaathet.be/nl/de-vraag-van-je-leven-hey-hoe-gaat-het/signalen/ and
        # 113.nl's questions of naasten, "ik maak er een einde aan"), and the old person's "ze
        # mogen me komen halen"; none of them occurs in a harmless message of any set or example
        r"\bslapen\s+en\s+(?:nooit|niet)\s+meer\s+wakker\s+(?:te\s+)?worden\b",
        r"\bvoor\s+altijd\s+(?:\w+\s+){0,2}slapen\b", r"\bweg\s+uit\s+het\s+leven\b",
        r"\bklaar\s+(?:is\s+|ben\s+)?met\s+(?:het|mijn|m'n)\s+leven\b", r"\bbeter\s+af\s+(?:\w+\s+){0,2}zonder\s+mij\b",
        r"\bniet\s+(?:meer\s+)?(?:de\s+moeite\s+)?waard\s+om\s+(?:nog\s+)?(?:verder\s+)?te\s+leven\b",
        r"\bzullen\s+me\s+nog\s+missen\b", r"\bik\s+hoef\s+niet\s+meer\s*(?:[.!]|$)",
        r"\bhet\s+hoeft\s+(?:van|voor)\s+mij\s+niet\s+meer\b",
        r"\bmogen\s+(?:me|mij)\s+(?:wel\s+)?(?:komen\s+)?halen\b", r"\bverlang\w*\s+naar\s+de\s+dood\b",
        r"\bgeen\s+zin\s+meer\s+in\s+(?:het|mijn|m'n)\s+leven\b", r"\bmaak\w*\s+er\s+(?:\w+\s+)?een\s+einde\s+aan\b",
        # indirect wishes to die, as 113 Zelfmoordpreventie lists them
        # (also "soms wens ik dat ik dood was": the verb before or after "ik")
        r"\b(?:wou|wilde|zou\s+willen|wens|wenste)\s+(?:ik\s+)?(?:\w+\s+)?dat\s+ik\s+"
        r"(?:dood|er\s+niet\s+meer)\s+(?:was|ben|zou\s+zijn)\b",
        # a wish not to be here; not "als wij er niet meer zijn" (who cares for her after us?)
        r"\ber\s+niet\s+meer\s+(?:te\s+)?willen\s+zijn\b", r"\ber\s+niet\s+meer\s+te\s+zijn\b",
        r"\b(?:wil|wilde|wou|liefst|liefste)\s+(?:\w+\s+){0,2}er\s+(?:\w+\s+)?niet\s+meer\s+(?:\w+\s+)?zijn\b(?!\s+voor)",
        r"\buit\s+het\s+leven\s+(?:te\s+)?stappen\b", r"\bmezelf\s+(?:te\s+)?doden\b",
        r"\b(?:maar\s+)?beter\s+dood\b", r"\bafscheidsbrief",
        r"\bwaarom\s+zou\s+ik\s+(?:nog\s+)?(?:blijven\s+)?leven\b",
        r"\b(?:pillen|slaappillen|slaapmiddelen|medicijnen)\s+(?:al\s+)?(?:klaarliggen|klaar\s+liggen|gespaard|opgespaard)\b",
        r"\b(?:zichzelf|mezelf|mijzelf)\s+(?:te\s+)?(?:snijden|snijdt|snij|beschadig\w*)\b",
        r"\ber\s+(?:\w+\s+){0,2}een\s+einde?\s+aan\s+(?:te\s+)?maken\b",
        r"\b(?:snijdt|snijd|snij)\s+(?:zichzelf|mezelf|mijzelf)\b",
        # not "heeft een einde aan zijn leven gemaakt" (nor "maakte hij een einde aan zijn leven",
        # see _acute_phrase_counts): a death in the past, told by the bereaved (the classifier
        # decides that one); "wil / probeerde een einde aan mijn leven te maken" stays
        r"\beinde?\s+aan\s+(?:mijn|m'n|het|zijn|haar)\s+leven\b(?!\s+(?:\w+\s+)?gemaakt\b)",
        r"\b(?:mezelf|mijzelf|zichzelf)\s+(?:iets\s+)?aan\s*(?:te\s+)?doen\b",
        r"\b(?:mezelf|mijzelf|zichzelf)\s+van\s+kant\b",
        r"\bleven\s+be[eë]indigen\b",
        # choking and no air, told as it happens (first-aid pages: verslikking, benauwdheid): not
        # "verslikt zich vaak" or "zijn dijen zijn blauw" (bruises), which the classifier decides
        r"\bstikt\b(?!\s+van)", r"\bzit\s+te\s+stikken\b", r"\bkrijgt?\s+(?:\w+\s+)?geen\s+lucht\b",
        r"\b(?:lippen|gezicht|nagels)\s+(?:\w+\s+){0,2}(?:wordt|worden|loopt|lopen)\s+(?:\w+\s+)?(?:blauw|paars\w*)\b",
        r"\b(?:loopt|lopen)\s+(?:\w+\s+)?blauw\s+aan\b",
        # a heart attack or stroke now, or asked about now; not one that was had ("… gehad")
        r"\b(?:is|kan)\s+dit\s+(?:\w+\s+)?een\s+(?:hartaanval|hartinfarct|beroerte|herseninfarct|hersenbloeding)\b",
        r"\b(?:heeft|krijgt)\s+(?:nu\s+|net\s+|ineens\s+|opeens\s+|volgens\s+mij\s+)?een\s+"
        r"(?:hartaanval|hartinfarct|beroerte|herseninfarct|hersenbloeding)\b(?!\s+(?:\w+\s+){0,2}gehad)",
        r"\bademt\s+niet\b", r"\bbewusteloos\b", r"\bniet\s+(?:meer\s+)?aanspr(?:ee|ea|e)kbaar\b",
        # the 112 rule of the first-aid pages, in a carer's words: someone who does not respond AND
        # breathes badly or lies on the floor ("ze haalt heel slecht adem en geeft geen antwoord");
        # each alone is the classifier's (a COPD question, a mother who does not answer texts)
        _NO_RESPONSE + r"[\s\S]{0,100}?" + _BAD_BREATHING, _BAD_BREATHING + r"[\s\S]{0,100}?" + _NO_RESPONSE,
        _NO_RESPONSE_EN + r"[\s\S]{0,100}?" + _BAD_BREATHING_EN,
        _BAD_BREATHING_EN + r"[\s\S]{0,100}?" + _NO_RESPONSE_EN,
        # resuscitation going on now; not "niet reanimeren" (a wish, a penning) or a course
        r"\baan\s+het\s+reanimeren\b", r"\bwordt\s+(?:nu\s+|net\s+)?gereanimeerd\b",
        r"\bniet\s+meer\s+wakker\s+te\s+krijgen\b",
        r"\bslaat\s+(?:mij|me)\s+(?:nu|op\s+dit\s+moment)\b",
        r"\b(?:heeft|hebben)\s+(?:me|mij)\s+(?:net|zojuist|nu)\s+geslagen\b",
        r"\bmet\s+een\s+mes\b", r"\bwurg",
        # in English (a message in English is answered in English, nlp/other_language.py)
        r"\bkill\s+myself\b", r"\bcommit\s+suicide\b",  # "suicidal": above
        # not where someone wants to die ("he wants to die at home": a wish for end-of-life care);
        # "die in peace" or "with dignity" stay in: a despairing carer may write them too
        r"\bwants?\s+to\s+die\b(?!\s+(?:at\s+home|in\s+(?:his|her|their)\s+own\s+bed)\b)",
        r"\bend\s+(?:my|his|her)\s+life\b", r"\bwish\s+(?:that\s+)?I\s+(?:was|were)\s+dead\b",
        r"\bnot\s+breathing\b", r"\bunconscious\b",
    ],
    Level.VIOLENCE: [
        # a person who is, or does, it; not the word in a question about the subject
        r"\b(?:word|wordt|werd|ben)\s+(?:\w+\s+){0,4}mishandeld\b",
        r"\bmishandelt\s+(?:mij|me|hem|haar|ons|mijn)\b",
        r"\b(?:heb|heeft|hebben)\s+(?:\w+\s+){0,3}mishandeld\b",
        r"\b(?:heeft|hebben|werd|word|ben)\s+(?:me|mij|ik)\s+(?:\w+\s+)?geslagen\b",
        r"\bslaat\s+(?:mij|me)\b", r"\bbedreigt\s+(?:mij|me)\b", r"\bschopt\s+(?:mij|me)\b",
        r"\b(?:heb|had)\s+(?:ik\s+)?" + _PERSON_DESCRIBED
        + r"\s+(?:(?:\w+\s+){0,2}(?:keer|keren|maal)\s+)?(?:\w+\s+)?(?:geslagen|geschopt|geknepen|geduwd"
        r"|door\s+elkaar\s+geschud)\b",  # also "heb haar twee keer geschopt"
        r"\b(?:heb|had)\s+(?:ik\s+)?" + _PERSON_DESCRIBED + r"\s+(?:een\s+)?(?:klap|tik|duw)\s+gegeven\b",
        r"\b" + _PERSON + r"\s+(?:\w+\s+){0,3}(?:vastgebonden|vastbind|vastbinden|vast\s+te\s+binden)\b",
        r"\bsluit\s+(?:ik\s+)?(?:hem|haar)\s+(?:\S+\s+){0,2}op\b",
        r"\b(?:hem|haar)\s+(?:\w+\s+)?(?:opgesloten|opsluiten|op\s+te\s+sluiten)\b",
        # abuse told by a witness or a victim without the word "mishandeld": someone who hits a
        # naaste ("een verzorgster die haar slaat"), beatings ("er vallen klappen", "geeft haar
        # klappen"), a grip round the throat, people tied down (not a wheelchair in a taxi, see
        # _violence_phrase_counts), a carer afraid of what they might do, and an account used as
        # one's own; none of these occurs in a harmless message of any set or example
        r"\b(?:die|dat|hij|zij|ze)\s+(?:hem|haar|mijn\s+\w+|onze\s+\w+)\s+slaat\b",
        r"\bklappen\s+(?:geeft|gaf|geven|krijgt|kreeg|krijgen|vallen|vielen)\b",
        r"\b(?:vallen|vielen)\s+(?:er\s+)?(?:\w+\s+)?klappen\b",
        r"\b(?:geeft|gaf|krijgt|kreeg|krijgen)\s+(?:\w+\s+){0,3}klappen\b", r"\b(?:meppen|mept|gemept)\b",
        r"\b(?:pakt|pakte|greep|grijpt)\s+(?:\w+\s+){0,3}bij\s+(?:mijn|m'n|haar|zijn)\s+keel\b",
        r"\bbij\s+(?:mijn|m'n|haar|zijn)\s+keel\s+(?:gepakt|gegrepen)\b",
        r"\b(?:worden|wordt|werd|werden|lag|lagen|zat|zaten|ligt|liggen|zit)\s+(?:\S+\s+){0,4}vastgebonden\b",
        r"\bbang\s+dat\s+ik\s+(?:haar|hem)\s+iets\s+(?:aandoe|aan\s+doe)\b",
        r"\bgebruikt\s+(?:\w+\s+){0,2}(?:bankrekening|pinpas|betaalrekening)\s+(?:\w+\s+){0,2}"
        r"(?:voor\s+(?:zichzelf|(?:zijn|haar)\s+eigen)|alsof|als\s+(?:\w+\s+)?krediet)",
        # scolding a naaste (verbal abuse, ontspoorde zorg): "ik scheld haar uit", "mijn zus scheldt
        # onze moeder uit"; not an ill relative who scolds the carer ("hij scheldt me uit"), which
        # carers tell as a question about care: the classifier decides that one
        r"\b(?:scheld|scheldt|schold|schelden)\s+(?:ik\s+)?" + _PERSON_DESCRIBED + r"\s+(?:\w+\s+){0,3}uit\b",
        r"\b(?:heb|had)\s+(?:ik\s+)?" + _PERSON_DESCRIBED + r"\s+(?:\w+\s+){0,2}uitgescholden\b",
        # in English: someone who hits the writer, a carer who hit a relative, someone abused;
        # not "it hit me how tired I am", "they beat me to it", "he kicked me out", "she hit me up"
        # or a question about abuse
        r"\b(?:he|she|they)\s+(?:\w+\s+)?(?:hits|hit|beats|beat|kicks|kicked|slaps|slapped|chokes|choked)"
        r"\s+me\b(?!\s+(?:to|up|out)\b)",
        # ("pushed" and "shook" left out: a wheelchair is pushed, a sleeper shaken awake; "my
        # husband's car" is not him)
        r"\bi\s+(?:\w+\s+)?(?:hit|slapped|kicked|shoved)\s+my\s+(?:\w+\s+)?"
        r"(?:mother|father|mom|mum|dad|husband|wife|partner|son|daughter|grandmother|grandfather)\b(?!['’]s)",
        r"\b(?:am|is|are|was|were|being)\s+(?:\w+\s+)?abused\b",
    ],
    Level.EXHAUSTED: [
        r"\bik\s+trek\s+het\s+niet\s+meer\b",
        r"\bik\s+kan\s+(?:het\s+)?niet\s+meer\s*(?:[.!,;]|$)",
        r"\bik\s+ga\s+eraan\s+onderdoor\b", r"\bzie\s+geen\s+uitweg\b",
        r"\bik\s+ben\s+op\s*(?:[.!,;]|$)", r"\bik\s+hou\s+het\s+niet\s+(?:meer\s+)?vol\b",
    ],
}
# At the exhausted level: a carer who says they cannot go on hears of 113 too (issue 11:
# "113 when they say they cannot go on or do not want to live"); "ik kan niet meer" alone
# is the tiredness most carers mean, and gets the exhausted answer without it.
_CANNOT_GO_ON = re.compile("|".join([
    r"\bzie\s+geen\s+uitweg\b", r"\bgeen\s+uitweg\s+meer\b", r"\bga\s+eraan\s+onderdoor\b",
    r"\bkan\s+(?:zo\s+)?niet\s+(?:meer\s+)?verder\b", r"\bhoeft\s+(?:voor\s+mij\s+)?allemaal\s+niet\s+meer\b",
    r"\bhet\s+hoeft\s+voor\s+mij\s+niet\s+meer\b", r"\bzie\s+het\s+niet\s+meer\s+zitten\b",
]), re.IGNORECASE)
_COMPILED: List[Tuple[Level, Pattern[str]]] = [
    (level, re.compile("|".join(patterns), re.IGNORECASE))
    for level, patterns in sorted(_PHRASES.items(), reverse=True)
]
# A violence phrase that is denied ("ik wil hem niet opsluiten", "ik heb haar nooit geslagen",
# "hij slaat me niet") or a safety belt in a vehicle ("mijn moeder zit veilig vastgebonden in de
# rolstoeltaxi") does not floor: the classifier, which learnt both senses, decides.
_DENIED = re.compile(r"\b(?:niet|nooit|geen)\b")
_DENIED_AFTER = re.compile(r"^\s+(?:niet|nooit)\b")
# "hoe maak ik zijn kamer veilig zonder hem op te sluiten?": what someone wants to avoid
_AVOIDED_BEFORE = re.compile(r"\bzonder\s+$")
# only a vehicle: a belt in a wheelchair or a chair at home is a restraint (vrijheidsbeperking)
_VEHICLE_BELT = re.compile(r"\b(?:\w*taxi\w*|\w*bus(?:je)?|auto|\w*vervoer\w*)\b")
_SENTENCE_END = re.compile(r"[.!?\n]")


def _sentence_around(text: str, start: int, end: int) -> str:
    """The sentence of ``text`` that holds the span start..end."""
    ends_before = [m.end() for m in _SENTENCE_END.finditer(text, 0, start)]
    after = _SENTENCE_END.search(text, end)
    return text[(ends_before[-1] if ends_before else 0):(after.start() if after else len(text))]


def _violence_phrase_counts(text: str, found: "re.Match[str]") -> bool:
    """False for a denied violence phrase or a belt in a vehicle (see above)."""
    phrase = found.group(0)
    if _DENIED.search(phrase) or _DENIED_AFTER.search(text[found.end():]) \
            or _AVOIDED_BEFORE.search(text[max(0, found.start() - 40):found.start()]):
        return False
    return not ("vastgebonden" in phrase or "vastbind" in phrase or "vast te binden" in phrase) \
        or not _VEHICLE_BELT.search(_sentence_around(text, found.start(), found.end()))


def _folded(text: str) -> str:
    return unicodedata.normalize("NFC", text).lower()


# "maakte hij een einde aan zijn leven": a death in the past told by the bereaved, like "… gemaakt"
# above; the classifier decides. "maakte bijna / probeerde een einde aan zijn leven te maken" floors.
_BEREAVED_PAST = re.compile(r"\bmaakten?\b")
_ATTEMPT = re.compile(r"\b(?:bijna|probeer\w*|poging)\b")
_THIRD_PERSON_LIFE = re.compile(r"einde?\s+aan\s+(?:zijn|haar)\s+leven")


# "stikken" is also sewing: "ik zit te stikken op de naaimachine", "hij stikt de zoom"
_CHOKING = re.compile(r"\bstik")
_SEWING = re.compile(r"\b(?:naai\w*|naad|naden|zoom|zomen|stof|stoffen|garen|quilt\w*|patroon|lapjes)\b")


def _acute_phrase_counts(text: str, found: "re.Match[str]") -> bool:
    """False for sewing, or a past death told by the bereaved (see above)."""
    if _CHOKING.search(found.group(0)):
        return not _SEWING.search(_sentence_around(text, found.start(), found.end()))
    if not _THIRD_PERSON_LIFE.search(found.group(0)):
        return True
    before = _SENTENCE_END.split(text[max(0, found.start() - 80):found.start()])[-1]
    intends = re.match(r"\s+(?:\w+\s+)?(?:te\s+)?maken\b", text[found.end():])  # "… leven (te) maken"
    return bool(intends) or not _BEREAVED_PAST.search(before) or bool(_ATTEMPT.search(before))


def _phrase_counts(level: Level, text: str, found: "re.Match[str]") -> bool:
    if level == Level.VIOLENCE:
        return _violence_phrase_counts(text, found)
    if level == Level.ACUTE:
        return _acute_phrase_counts(text, found)
    return True


def phrase_level(text: str) -> Tuple[Level, Optional[str]]:
    """The most urgent level whose phrase occurs in ``text``, and that phrase."""
    folded = _folded(text or "")
    for level, regex in _COMPILED:
        for found in regex.finditer(folded):
            if _phrase_counts(level, folded, found):
                return level, found.group(0)
    return Level.NONE, None


def danger_phrase(text: str) -> Optional[str]:
    """The first explicit safety phrase of any level in ``text`` (lower case), or None."""
    return phrase_level(text)[1]


def has_danger_phrase(text: str) -> bool:
    return danger_phrase(text) is not None


def says_cannot_go_on(text: str) -> bool:
    """The writer says they cannot go on (more than tired): the exhausted answer then names 113."""
    return _CANNOT_GO_ON.search(_folded(text or "")) is not None

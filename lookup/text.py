"""Text normalisation for names of gemeenten and places, and postcode parsing.

One job: turn what people type into comparable keys. No data loading here.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import FrozenSet, List, Optional, Set

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'"})
_NON_ALNUM = re.compile(r"[^a-z0-9]+")

# Province markers used in names: 'Bergen (NH.)', 'Loo Gld', 'Elst Ut', 'Harkstede GN'.
PROVINCE_MARKERS: FrozenSet[str] = frozenset(
    {"nh", "zh", "nb", "l", "lb", "li", "gld", "gl", "gn", "gr", "ut", "u", "o", "ov",
     "z", "zl", "fr", "f", "dr", "d", "fl", "ac"}
)

# Province names: a province alone is not enough to find a gemeente.
# ('Groningen' and 'Utrecht' are also gemeenten and resolve to the gemeente.)
PROVINCES: FrozenSet[str] = frozenset(
    {"drenthe", "friesland", "fryslan", "flevoland", "gelderland", "overijssel",
     "noord holland", "zuid holland", "noord brabant", "brabant", "limburg", "zeeland"}
)

# Place names that are also ordinary Dutch words. Inside a longer sentence they only
# count as a place when written with a capital or after words like 'in' or 'te'.
COMMON_WORD_PLACES: FrozenSet[str] = frozenset(
    """amen anderen baard baars balk beek bergen best boer born broek buren dalen dijken
    doorn echt echten een eind enter gauw gieten glimmen graft groet haren hall handel hem
    hoek hoeven hoorn huizen kampen klimmen leiden leunen lieren lies linde loon losser made
    neer nes oranje putten rekken rijen rijs schijf sloten sluis spier tuil tuk veulen vuren
    waarde wateren wetering wier winde winkel zetten well wijk stad dam heide kerk mark houten
    ee aa goor oost west noord zuid ede epe oss urk""".split()
)

# Villages and kernen that are also words after "in" in an ordinary sentence ("in de wijk",
# "in heel Nederland", "in de hoek", "in loon"): written without a capital after "in", they
# are no place (nlp.misspelt_place). A gemeente name among them still is ("in bergen").
ORDINARY_AFTER_IN: FrozenSet[str] = COMMON_WORD_PLACES | frozenset(
    """heel horst kaag linden halfweg stratum overslag noorden donderen dorst elp baak beers
    deelen leur rien kats wouw zegge spijk nisse meppen kaard reek blije zandberg watergang
    stuifzand""".split()
) | frozenset({"de wijk", "de hoek", "de heide", "de kaag", "de linde", "de horst", "de weere"})

# Words after which a place name is expected.
LOCATION_CUES: FrozenSet[str] = frozenset(
    {"in", "te", "uit", "bij", "gemeente", "woonplaats", "plaats", "dorp", "stad", "rond",
     "omgeving", "buurt", "regio", "naar", "richting", "onder"}
)

# Frequent words that never name a place; skipped before fuzzy matching.
STOPWORDS: FrozenSet[str] = frozenset(
    """ik je jij u uw mijn me mij we wij ze zij hij het de een en of in op te bij uit van
    voor naar met aan om over door als dat die dit deze wat waar wie welk welke hoe is ben
    bent zijn was woon woont wonen wonend woonachtig gemeente woonplaats postcode plaats
    dorp stad hier daar graag hallo hoi goedemorgen goedemiddag goedenavond dag dank bedankt
    alstublieft aub ja nee niet wel ook nog maar dan toch even eigenlijk zoek zoeken vind
    vinden kan kun kunt wil wilt moet mag hulp help helpen vraag vragen mantelzorger
    mantelzorg clientondersteuner clientondersteuners clientondersteuning ondersteuning
    zorgkantoor zorgkantoren hoort horen hoor regio buurt omgeving moeder vader ouders man
    vrouw partner kind zoon dochter naaste oma opa schoonmoeder wmo wlz zorg nu sinds
    heb hebben heeft had er iets iemand meer veel goed weet weten
    tegenwoordig inmiddels verhuisd verhuizen net pas bijna noord zuid oost west""".split()
)


def strip_accents(text: str) -> str:
    """'Súdwest-Fryslân' -> 'Sudwest-Fryslan'."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def place_key(text: str) -> str:
    """Comparable key: no accents, lower case, no apostrophes, words split by one space.

    "'s-Hertogenbosch" -> 's hertogenbosch', 'Bergen (NH.)' -> 'bergen nh',
    'Capelle a/d IJssel' and 'Capelle aan den IJssel' -> 'capelle aan de ijssel'.
    """
    folded = strip_accents(text).lower().translate(_APOSTROPHES).replace("'", "")
    key = " " + " ".join(_NON_ALNUM.sub(" ", folded).split()) + " "
    # 'Capelle a/d IJssel', 'Koog aan den Zaan' -> one spelling: 'aan de'
    key = key.replace(" a d ", " aan de ").replace(" aan den ", " aan de ")
    return key.strip()


def without_province_marker(key: str) -> str:
    """'bergen nh' -> 'bergen'; 'loo gld' -> 'loo'. Keys of one word stay as they are."""
    words = key.split()
    if len(words) > 1 and words[-1] in PROVINCE_MARKERS:
        return " ".join(words[:-1])
    return key


def name_variants(name: str) -> Set[str]:
    """Surface forms of a name for an entity ruler: accents, brackets, hyphens, apostrophes."""
    variants = {name, strip_accents(name)}
    if "(" in name:
        bare = name.replace("(", "").replace(")", "").replace(".", "").strip()
        variants.add(bare)
    for v in list(variants):
        if "-" in v:
            variants.add(v.replace("-", " "))
        variants.add(v.replace("’", "'"))
    return {v for v in variants if v}


def place_keys(place: str) -> Set[str]:
    """Keys under which a postcode place name is indexed.

    'Spaarndam gem. Haarlem' -> {'spaarndam'}; 'St. Willebrord' -> also 'sint willebrord';
    'Hengelo (Gld)' -> {'hengelo gld', 'hengelo'}.
    """
    cleaned = re.sub(r"\s+gem\.?\s+.*$", "", place)
    key = place_key(cleaned)
    keys = {key, without_province_marker(key)}
    for k in list(keys):
        if k.startswith("st "):
            keys.add("sint " + k[3:])
    return {k for k in keys if k}


# --- postcodes -----------------------------------------------------------------

# 4 digits (not part of a longer number or a decimal), optional space, optional 2 letters.
_POSTCODE_IN_TEXT = re.compile(
    r"(?<![\d.,])(?P<digits>\d{4})(?:[ \t]?(?P<letters>[A-Za-z]{2}))?(?![\w]|[.,]\d)"
)
_POSTCODE_EXACT = re.compile(r"^\s*(?P<digits>\d{4})\s?(?P<letters>[A-Za-z]{2})?\s*$")
# The postcode letter rules, shared with the entity ruler (nlp/build_spacy_pipeline.py), so the
# entity and the resolver agree on what is a postcode.
# Letter pairs never used in Dutch postcodes (upper case).
UNUSED_LETTER_PAIRS = frozenset({"SA", "SD", "SS"})
# Short Dutch words and units that can follow a number (lower case): '1234 en ...' is not
# '1234 EN', '12 km' and 'in 2019 jr' are not postcodes, '3511 uu' is an hour.
WORD_LETTERS = frozenset(
    {"en", "in", "op", "om", "te", "de", "je", "ik", "na", "al", "nu", "zo", "is", "of",
     "uw", "er", "me", "we", "ze", "ga", "ja", "au", "du", "km", "jr", "uu"}
)


@dataclass(frozen=True)
class PostcodeToken:
    """A postcode written in a message: '3511 AB' -> digits '3511', letters 'AB'."""

    digits: str
    letters: Optional[str]
    valid_format: bool

    @property
    def text(self) -> str:
        return f"{self.digits} {self.letters}" if self.letters else self.digits


def _token(digits: str, letters: Optional[str]) -> PostcodeToken:
    upper = letters.upper() if letters else None
    valid = digits[0] != "0" and (upper is None or upper not in UNUSED_LETTER_PAIRS)
    return PostcodeToken(digits=digits, letters=upper, valid_format=valid)


def parse_postcode(text: str) -> Optional[PostcodeToken]:
    """Parse a string that is only a postcode: '3511AB', '3511 ab', '3511'."""
    m = _POSTCODE_EXACT.match(text)
    if not m:
        return None
    return _token(m.group("digits"), m.group("letters"))


def find_postcodes(text: str) -> List[PostcodeToken]:
    """All postcode-like tokens in free text, in order."""
    found: List[PostcodeToken] = []
    for m in _POSTCODE_IN_TEXT.finditer(text):
        letters = m.group("letters")
        if letters and letters.lower() in WORD_LETTERS:
            letters = None
        found.append(_token(m.group("digits"), letters))
    return found


@dataclass(frozen=True)
class Word:
    """One normalised word of a message and whether it was written with a capital."""

    key: str
    capital: bool


def split_words(text: str) -> List[Word]:
    """'In Den Bosch,' -> [in, den(cap), bosch(cap)]; "'s-Gravenhage" -> [s, gravenhage]."""
    words: List[Word] = []
    for chunk in text.split():
        letters = chunk.lstrip("'’‘(\"")
        capital = bool(letters) and letters[0].isupper()
        for key in place_key(chunk).split():
            if key == "den" and words and words[-1].key == "aan":
                key = "de"  # same spelling as place_key(): 'aan den' -> 'aan de'
            words.append(Word(key=key, capital=capital))
    return words

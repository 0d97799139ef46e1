"""Free text or a shared location -> where someone lives.

`resolve_text` looks for a postcode ('3511AB', '3511 ab', '3511'), a gemeente name or
alias ('Den Bosch', 'Bergen (NH.)', 'Súdwest-Fryslân'), a village ('Drachten') and
finally a misspelt name ('Amsterdm'). `resolve_point` maps a latitude/longitude to
the nearest PC4. Both return a `Resolution`; nothing here raises on user input.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from enum import Enum
from typing import List, Optional, Sequence, Tuple

from lookup.places import NameHit, Places
from lookup.text import (
    COMMON_WORD_PLACES,
    LOCATION_CUES,
    PROVINCES,
    STOPWORDS,
    PostcodeToken,
    Word,
    find_postcodes,
    place_key,
    split_words,
)

# A shared location further than this from the nearest PC4 point is not in NL.
MAX_POINT_DISTANCE_KM = 10.0
MAX_CANDIDATES = 4
_MAX_QUERY_CHARS = 40


class Status(str, Enum):
    RESOLVED = "resolved"  # one gemeente (and maybe a PC4)
    AMBIGUOUS = "ambiguous"  # several gemeenten: ask which one
    UNKNOWN_POSTCODE = "unknown_postcode"  # looks like a postcode but does not exist
    UNKNOWN_PLACE = "unknown_place"  # looks like a place name we do not know
    OUTSIDE = "outside"  # a shared location outside the Netherlands
    NOT_FOUND = "not_found"  # no postcode or place in the text


@dataclass(frozen=True)
class Resolution:
    status: Status
    gm_code: Optional[str] = None
    pc4: Optional[str] = None
    candidates: Tuple[str, ...] = ()
    query: str = ""  # what the user wrote that we matched or could not match
    via: str = ""  # postcode | gemeente | place | fuzzy | coordinates | several (places named)
    matched_name: str = ""  # the name in our data ('Drachten', 'Den Bosch')
    reason: str = ""  # details: 'format', 'province', 'far_away'
    distance_km: Optional[float] = None  # shared location -> PC4 point


@dataclass(frozen=True)
class _Found:
    hit: NameHit
    start: int
    end: int
    text: str


_PAYLOAD = re.compile(r"^\s*/\w+(?P<json>\{.*\})?\s*$", re.DOTALL)
_COORDS = re.compile(
    r"(?P<lat>-?\d{1,2}\.\d{2,})\s*[,; ]\s*(?P<lon>-?\d{1,3}\.\d{2,})"
    r"|(?P<lat2>-?\d{1,2},\d{2,})\s*[; ]\s*(?P<lon2>-?\d{1,3},\d{2,})"
)


def resolve_text(text: str, places: Places) -> Resolution:
    """Where does the writer of `text` live? See the module docstring."""
    if not text or not text.strip():
        return Resolution(Status.NOT_FOUND)
    payload = _from_payload(text, places)
    if payload is not None:
        return payload
    coords = _COORDS.search(text)
    if coords:
        lat = coords.group("lat") or coords.group("lat2")
        lon = coords.group("lon") or coords.group("lon2")
        return resolve_point(float(lat.replace(",", ".")), float(lon.replace(",", ".")), places)

    words = split_words(text)
    found, provinces = _find_names(words, places)
    postcodes = find_postcodes(text)
    if postcodes:
        by_postcode = _resolve_postcode(_pick_postcode(postcodes), found, places)
        if by_postcode is not None:
            return by_postcode
    if found:
        return _from_names(found, places)
    if postcodes:  # an unknown postcode and no name
        token = _pick_postcode(postcodes)
        reason = "" if token.valid_format else "format"
        return Resolution(Status.UNKNOWN_POSTCODE, query=token.text, via="postcode", reason=reason)
    if provinces:
        return Resolution(Status.NOT_FOUND, query=provinces[0], reason="province")
    fuzzy = _fuzzy(words, places)
    if fuzzy is not None:
        return fuzzy
    return _unknown(text, words)


def resolve_point(lat: float, lon: float, places: Places) -> Resolution:
    """A shared location (WhatsApp) -> nearest PC4 and its gemeente."""
    query = f"{lat:.5f}, {lon:.5f}"
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        return Resolution(Status.OUTSIDE, query=query, via="coordinates", reason="invalid")
    nearest = places.nearest_postcode(lat, lon)
    if nearest is None or nearest[0] > MAX_POINT_DISTANCE_KM:
        distance = nearest[0] if nearest else None
        return Resolution(Status.OUTSIDE, query=query, via="coordinates", reason="far_away",
                          distance_km=distance)
    distance, pc = nearest
    if pc.crosses_border:
        return Resolution(Status.AMBIGUOUS, pc4=pc.pc4, candidates=pc.gm_codes, query=query,
                          via="coordinates", distance_km=distance)
    return Resolution(Status.RESOLVED, gm_code=pc.gm_code, pc4=pc.pc4, candidates=(pc.gm_code,),
                      query=query, via="coordinates", distance_km=distance)


# --- helpers ------------------------------------------------------------------------


def _from_payload(text: str, places: Places) -> Optional[Resolution]:
    """Button payloads such as /inform_location{"gemeente":"Hilversum"}."""
    m = _PAYLOAD.match(text)
    if not m:
        return None
    try:
        data = json.loads(m.group("json") or "{}")
    except ValueError:
        return Resolution(Status.NOT_FOUND)
    if not isinstance(data, dict):
        return Resolution(Status.NOT_FOUND)
    if data.get("latitude") is not None and data.get("longitude") is not None:
        try:
            return resolve_point(float(data["latitude"]), float(data["longitude"]), places)
        except (TypeError, ValueError):
            return Resolution(Status.NOT_FOUND)
    parts = [str(data[k]) for k in ("postcode", "gemeente", "woonplaats") if data.get(k)]
    if not parts:
        return Resolution(Status.NOT_FOUND)
    return resolve_text(" ".join(parts), places)


def _pick_postcode(tokens: Sequence[PostcodeToken]) -> PostcodeToken:
    """Prefer a full postcode with letters, then the first well-formed one."""
    for token in tokens:
        if token.letters and token.valid_format:
            return token
    for token in tokens:
        if token.valid_format:
            return token
    return tokens[0]


def _resolve_postcode(token: PostcodeToken, found: List[_Found], places: Places) -> Optional[Resolution]:
    """None when the postcode should give way to a name in the same text."""
    pc = places.postcode(token.digits) if token.valid_format else None
    if pc is None:
        return None  # unknown: a name (if any) decides, else UNKNOWN_POSTCODE
    named = {code for f in found for code in f.hit.gm_codes}
    if named:
        both = [c for c in pc.gm_codes if c in named]
        if len(both) == 1:
            return Resolution(Status.RESOLVED, gm_code=both[0], pc4=pc.pc4, candidates=(both[0],),
                              query=token.text, via="postcode")
        if not token.letters:
            return None  # '2025' next to 'Tilburg' is more likely a year than a postcode
    if len(pc.gm_codes) == 1:
        return Resolution(Status.RESOLVED, gm_code=pc.gm_code, pc4=pc.pc4, candidates=(pc.gm_code,),
                          query=token.text, via="postcode")
    return Resolution(Status.AMBIGUOUS, pc4=pc.pc4, candidates=pc.gm_codes, query=token.text, via="postcode")


def _is_risky(keys: Sequence[str]) -> bool:
    return all(k in STOPWORDS or k in COMMON_WORD_PLACES for k in keys)


def _find_names(words: List[Word], places: Places) -> Tuple[List[_Found], List[str]]:
    """Exact names, longest first, left to right; plus provinces mentioned."""
    keys = [w.key for w in words]
    taken = [False] * len(words)
    found: List[_Found] = []
    provinces: List[str] = []
    whole = len(words)
    max_n = min(6, whole)
    for n in range(max_n, 0, -1):
        for i in range(0, whole - n + 1):
            if any(taken[i:i + n]):
                continue
            window = keys[i:i + n]
            key = " ".join(window)
            if key in PROVINCES:  # ('groningen' and 'utrecht' are gemeenten, not in PROVINCES)
                provinces.append(key)
                for j in range(i, i + n):
                    taken[j] = True
                continue
            hit = places.lookup_key(key)
            if hit is None:
                continue
            if _is_risky(window) and n < whole:
                capital = words[i].capital and i > 0
                cue = i > 0 and keys[i - 1] in LOCATION_CUES and window[0] not in STOPWORDS
                if not (capital or cue):
                    continue
            for j in range(i, i + n):
                taken[j] = True
            found.append(_Found(hit=hit, start=i, end=i + n, text=key))
    found.sort(key=lambda f: f.start)
    return found, provinces


def _from_names(found: List[_Found], places: Places) -> Resolution:
    first = found[0]
    # several names that agree ('Drachten, gemeente Smallingerland') -> the shared gemeente
    common = set(first.hit.gm_codes)
    for f in found[1:]:
        common &= set(f.hit.gm_codes)
    if len(common) == 1:
        code = next(iter(common))
        return Resolution(Status.RESOLVED, gm_code=code, candidates=(code,), query=first.text,
                          via=first.hit.kind, matched_name=_display(first, places))
    if len(found) == 1 or not common:
        codes: List[str] = []
        for f in found:
            for c in f.hit.gm_codes:
                if c not in codes:
                    codes.append(c)
        if len(codes) == 1:
            return Resolution(Status.RESOLVED, gm_code=codes[0], candidates=(codes[0],),
                              query=first.text, via=first.hit.kind, matched_name=_display(first, places))
        # 'Mijn ouders wonen in Tilburg, ik woon in Amsterdam': two places, not one ambiguous name
        via = first.hit.kind if len(found) == 1 else "several"
        return Resolution(Status.AMBIGUOUS, candidates=tuple(codes[:MAX_CANDIDATES]), query=first.text,
                          via=via, matched_name=_display(first, places))
    return Resolution(Status.AMBIGUOUS, candidates=tuple(sorted(common))[:MAX_CANDIDATES],
                      query=first.text, via=first.hit.kind, matched_name=_display(first, places))


def _display(found: _Found, places: Places) -> str:
    """A readable form of the matched key: the village/gemeente name with capitals."""
    if found.hit.kind == "gemeente" and len(found.hit.gm_codes) == 1:
        gm = places.gemeente(found.hit.gm_codes[0])
        if place_key(gm.name) == found.text or place_key(gm.name_short) == found.text:
            return gm.name
    written = places.place_name(found.text)
    if written:
        return written
    return " ".join(w.capitalize() if len(w) > 2 else w for w in found.text.split())


def _content_positions(words: List[Word]) -> List[int]:
    return [i for i, w in enumerate(words) if w.key not in STOPWORDS and not w.key.isdigit()]


def _fuzzy(words: List[Word], places: Places) -> Optional[Resolution]:
    """Misspelt names: in short answers every content word, in long texts only after a cue."""
    content = _content_positions(words)
    if not content:
        return None
    if len(content) <= 3:
        starts = content
    else:
        starts = [i for i in content if i > 0 and words[i - 1].key in LOCATION_CUES]
    for i in starts:
        for n in (3, 2, 1):
            window = words[i:i + n]
            if len(window) < n or any(w.key in STOPWORDS or w.key.isdigit() for w in window[1:]):
                continue
            keys = [w.key for w in window]
            if _is_risky(keys) or " ".join(keys) in PROVINCES:
                continue  # 'best', 'wijk': ordinary words, not misspelt names
            key = " ".join(keys)
            match = places.fuzzy_key(key)
            if match is None:
                continue
            hit, _score = match
            found = _Found(hit=hit, start=i, end=i + n, text=hit.key)
            result = _from_names([found], places)
            return Resolution(result.status, gm_code=result.gm_code, candidates=result.candidates,
                              query=" ".join(w.key for w in window), via="fuzzy",
                              matched_name=result.matched_name)
    return None


_AFTER_CUE = re.compile(
    r"\b(?:in|te|uit|bij|gemeente|woonplaats|dorp|stad)\s+(?P<name>[^\d,.!?;:]{2,40}?)\s*[,.!?;:]*\s*$",
    re.IGNORECASE,
)


def _unknown(text: str, words: List[Word]) -> Resolution:
    """A short answer or 'ik woon in X' that names no place we know -> UNKNOWN_PLACE."""
    if not _content_positions(words):
        return Resolution(Status.NOT_FOUND)
    compact = " ".join(text.split())
    m = _AFTER_CUE.search(compact)
    if m and any(w.key not in STOPWORDS for w in split_words(m.group("name"))):
        return Resolution(Status.UNKNOWN_PLACE, query=m.group("name").strip()[:_MAX_QUERY_CHARS])
    if len(words) <= 3:
        return Resolution(Status.UNKNOWN_PLACE, query=compact.strip(" .,!?")[:_MAX_QUERY_CHARS])
    return Resolution(Status.NOT_FOUND)

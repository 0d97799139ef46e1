"""Remove personal data from what people typed, before an editor sees it.

Replaced by a placeholder in square brackets:
  [e-mail]           e-mail addresses
  [iban]             bank account numbers (IBAN, checked with mod-97; NL IBANs also by shape)
  [telefoonnummer]   Dutch phone numbers: 06-12345678, 06 1234 5678, +31 6 12345678,
                     0031 6..., 020-1234567, 030 760 60 55, 0800 0113
  [bsn]              9-digit numbers (also 123.456.782 / 123 456 782) that pass the elfproef
  [nummer]           other long numbers (8 or more digits): client numbers, BSN without elfproef
  [postcode]         Dutch postcodes: 1234 AB, 1234AB, 1234 ab (not "2019 is" and the like)
"""
from __future__ import annotations

import re
from typing import Callable, List, Tuple

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,3})?\b", re.IGNORECASE)
NL_IBAN = re.compile(r"\bNL\s?\d{2}\s?[A-Z]{4}\s?(?:\d\s?){10}\b", re.IGNORECASE)
PHONE = re.compile(
    r"(?<![\w+])(?:"
    r"(?:\+|00)\s?31[\s-]?(?:\(0\)[\s-]?)?\d(?:[\s-]?\d){7,8}"       # +31 6 12345678, 0031 20 1234567
    r"|0\d{1,3}[\s-]?\d(?:[\s-]?\d){5,7}"                             # 06-12345678, 020-1234567, 030 760 60 55
    r"|0[89]00[\s-]?\d{4}(?:[\s-]?\d{3})?"                             # 0800 0113, 0900 1234
    r")(?!\w)")
BSN_SHAPED = re.compile(r"(?<![\w.])(\d{3})[ .]?(\d{3})[ .]?(\d{3})(?![\w]|\.\d)")
LONG_NUMBER = re.compile(r"(?<!\w)\d(?:[ .-]?\d){7,}(?!\w)")
POSTCODE = re.compile(r"\b([1-9]\d{3})(\s?)([A-Za-z]{2})\b")
# Two-letter words that follow a number in ordinary Dutch ("in 2019 is", "1500 en").
_NOT_POSTCODE_LETTERS = {"is", "in", "en", "op", "te", "al", "nu", "ik", "ze", "we", "je", "om", "af",
                         "er", "na", "zo", "of", "de", "na", "uw", "mn", "zn", "pp", "ca", "eu", "km",
                         "cm", "mm", "kg", "uu", "ok", "at", "to", "an", "by", "be", "me", "my", "no",
                         "so", "up", "us", "tv", "pm", "am"}
# Letter pairs that never occur in Dutch postcodes.
_NO_POSTCODE = {"SA", "SD", "SS"}


def elfproef(digits: str) -> bool:
    """The Dutch BSN check: sum of 9*d1 + 8*d2 + ... + 2*d8 - 1*d9 is divisible by 11."""
    if len(digits) != 9 or not digits.isdigit() or digits == "000000000":
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1))) - int(digits[8])
    return total % 11 == 0


def iban_valid(candidate: str) -> bool:
    s = re.sub(r"\s", "", candidate).upper()
    if not (15 <= len(s) <= 34) or not s[:2].isalpha() or not s[2:4].isdigit():
        return False
    rearranged = s[4:] + s[:4]
    number = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(number) % 97 == 1


def _sub_iban(match: "re.Match[str]") -> str:
    """The longest prefix that is a valid IBAN (the pattern may have eaten a following word)."""
    text = match.group(0)
    for end in range(len(text), 14, -1):
        if (end == len(text) or text[end] == " ") and iban_valid(text[:end]):
            return "[iban]" + text[end:]
    return text


def _sub_bsn(match: "re.Match[str]") -> str:
    digits = "".join(match.groups())
    return "[bsn]" if elfproef(digits) else "[nummer]"


def _sub_postcode(match: "re.Match[str]") -> str:
    digits, space, letters = match.groups()
    if letters.upper() in _NO_POSTCODE:
        return match.group(0)
    if space and letters.islower() and letters in _NOT_POSTCODE_LETTERS:
        return match.group(0)
    return "[postcode]"


RULES: List[Tuple[str, Callable[[str], str]]] = [
    ("e-mail", lambda t: EMAIL.sub("[e-mail]", t)),
    ("iban", lambda t: NL_IBAN.sub("[iban]", IBAN.sub(_sub_iban, t))),
    ("bsn", lambda t: BSN_SHAPED.sub(_sub_bsn, t)),
    ("telefoonnummer", lambda t: PHONE.sub("[telefoonnummer]", t)),
    ("nummer", lambda t: LONG_NUMBER.sub("[nummer]", t)),
    ("postcode", lambda t: POSTCODE.sub(_sub_postcode, t)),
]


def redact(text: str) -> str:
    """The text with every kind of personal data above replaced by its placeholder."""
    for _, rule in RULES:
        text = rule(text)
    return text

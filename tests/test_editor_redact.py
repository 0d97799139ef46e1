"""Redaction catches each kind of personal data and leaves ordinary text alone."""
from __future__ import annotations

import pytest

from editor.redact import elfproef, iban_valid, redact


@pytest.mark.parametrize("text, expected", [
    # postcodes
    ("ik woon in 3511 AB Utrecht", "ik woon in [postcode] Utrecht"),
    ("postcode 3511ab", "postcode [postcode]"),
    ("mijn postcode is 1011 ab", "mijn postcode is [postcode]"),
    # phone numbers
    ("bel me op 06-12345678", "bel me op [telefoonnummer]"),
    ("0612345678 graag", "[telefoonnummer] graag"),
    ("mijn nummer is 06 1234 5678", "mijn nummer is [telefoonnummer]"),
    ("+31 6 12345678", "[telefoonnummer]"),
    ("+31612345678", "[telefoonnummer]"),
    ("0031 6 1234 5678", "[telefoonnummer]"),
    ("vast: 020-1234567", "vast: [telefoonnummer]"),
    ("030 760 60 55", "[telefoonnummer]"),
    # e-mail
    ("mail naar jan.de.vries+zorg@example.nl aub", "mail naar [e-mail] aub"),
    ("j.jansen@gemeente-utrecht.nl", "[e-mail]"),
    # BSN-like numbers
    ("mijn bsn is 111222333", "mijn bsn is [bsn]"),
    ("bsn 123.456.782", "bsn [bsn]"),
    ("bsn 123 456 782", "bsn [bsn]"),
    ("nummer 123456789 klopt niet", "nummer [nummer] klopt niet"),  # 9 digits, no elfproef
    ("klantnummer 12345678", "klantnummer [nummer]"),
    # IBAN
    ("rekening NL91 ABNA 0417 1643 00", "rekening [iban]"),
    ("NL91ABNA0417164300", "[iban]"),
    ("BE68539007547034 is belgisch", "[iban] is belgisch"),
])
def test_each_kind_is_redacted(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize("text", [
    "sinds 2019 is mijn moeder ziek",
    "wat kost het in 2025",
    "mijn vader is 82 en woont alleen",
    "ik zorg 20 uur per week voor mijn man",
    "bel 14 020 of 112",
    "wat is de Wmo en de Wlz",
])
def test_ordinary_text_is_kept(text: str) -> None:
    assert redact(text) == text


def test_several_kinds_in_one_message() -> None:
    text = "Ik ben Jan (jan@example.nl, 06-12345678), woon op 3511 AB, bsn 111222333."
    assert redact(text) == "Ik ben Jan ([e-mail], [telefoonnummer]), woon op [postcode], bsn [bsn]."


def test_elfproef_and_iban_checks() -> None:
    assert elfproef("111222333") and elfproef("123456782")
    assert not elfproef("123456789") and not elfproef("000000000")
    assert iban_valid("NL91 ABNA 0417 1643 00")
    assert not iban_valid("NL92 ABNA 0417 1643 00")

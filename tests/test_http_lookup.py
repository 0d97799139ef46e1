"""The lookups through the running servers (Rasa REST webhook + action server).

Uses the `stack` fixture from tests/conftest.py: `stack.send(sender, text)` returns the
bot messages as dicts with "text" and maybe "buttons".
"""
from __future__ import annotations


import pytest

from lookup import get_lookup
from tests.conversation import bot_texts, sender_ids

pytestmark = pytest.mark.server


_sender = sender_ids("lookup")


def test_postcode_question_names_a_provider_serving_groningen(stack) -> None:
    reply = bot_texts(stack.send(_sender("groningen"), "Ik woon in 9712 CP, waar vind ik een cliëntondersteuner?"))
    serving = [p.name for p in get_lookup().registry.serving("GM0014")]
    assert serving, "the sample registry must serve Groningen"
    assert any(name in reply for name in serving), reply
    assert "Groningen" in reply


def test_zorgkantoor_for_tilburg_is_midden_brabant(stack) -> None:
    reply = bot_texts(stack.send(_sender("tilburg"), "welk zorgkantoor hoort bij Tilburg?"))
    assert "Midden-Brabant" in reply, reply


@pytest.mark.parametrize("question, gemeente", [
    ("Welk zorgkantoor hoort bij Monster?", "Westland"),
    ("ik zoek een clientondersteuner in Krommenie", "Zaanstad"),
    ("Is er een cliëntondersteuner in Ouddorp?", "Goeree-Overflakkee"),
    # written as people do: a space for the hyphen, 'Ij' for 'IJ'
    ("Waar vind ik een cliëntondersteuner in Oud Beijerland?", "Hoeksche Waard"),
    ("Welk zorgkantoor hoort bij Ijsselmuiden?", "Kampen"),
])
def test_a_village_in_a_sentence_is_found_and_used(stack, question: str, gemeente: str) -> None:
    reply = bot_texts(stack.send(_sender("kern"), question))
    assert f"hoort bij de gemeente {gemeente}" in reply, reply
    assert "In welke gemeente woont u?" not in reply


@pytest.mark.parametrize("question, region", [
    ("Wij wonen in Krommenie. Wie is daar het zorgkantoor?", "Zaanstreek"),
    ("graag het zorgkantoor voor Tilburg", "Midden-Brabant"),
    ("Ik woon in Tilburg. Kan ik terecht bij het zorgkantoor daar?", "Midden-Brabant"),
])
def test_which_zorgkantoor_a_place_has_is_looked_up_in_the_same_turn(stack, question: str, region: str) -> None:
    reply = bot_texts(stack.send(_sender("zk-place"), question))
    assert region in reply and "In welke gemeente woont u?" not in reply, reply


def test_what_a_zorgkantoor_is_is_explained_not_looked_up(stack) -> None:
    reply = bot_texts(stack.send(_sender("zk-what"), "wat is dat eigenlijk, een zorgkantoor?"))
    assert "In welke gemeente woont u?" not in reply and "zorgkantoor" in reply.lower(), reply


def test_a_place_with_a_where_to_go_question_is_answered_in_the_same_turn(stack) -> None:
    reply = bot_texts(stack.send(_sender("waar"), "Ik woon in Groningen, bij wie kan ik terecht met mijn hulpvraag?"))
    assert any(p.name in reply for p in get_lookup().registry.serving("GM0014")), reply
    assert "aangepast" not in reply


@pytest.mark.parametrize("question", ["wat is dat eigenlijk, een zorgkantoor?",
                                      "hoort het zorgkantoor bij mijn verzekering?"])
def test_what_is_a_zorgkantoor_is_explained_first_with_the_lookup_as_next_step(stack, question: str) -> None:
    reply = stack.send(_sender("wat-is"), question)
    text = bot_texts(reply)
    assert "Wet langdurige zorg" in text and "andere verzekeraar" in text, text
    assert "In welke gemeente woont u?" not in text
    assert "/find_zorgkantoor" in [b["payload"] for m in reply for b in m.get("buttons") or []]


def test_border_postcode_offers_the_gemeenten_as_buttons(stack) -> None:
    sender = _sender("grens")
    messages = stack.send(sender, "Ik zoek een cliëntondersteuner")
    assert "gemeente" in bot_texts(messages).lower()
    messages = stack.send(sender, "1216")
    payloads = [b["payload"] for m in messages for b in m.get("buttons") or []]
    assert '/inform_location{"gemeente": "Hilversum"}' in payloads, messages
    reply = bot_texts(stack.send(sender, '/inform_location{"gemeente": "Hilversum"}'))
    assert "Voorbeeld Cliëntondersteuning Gooi" in reply, reply


def test_a_topic_question_naming_a_village_keeps_the_place(stack) -> None:
    """The FAQ answer comes first; the place is remembered and its lookup is one tap away."""
    sender = _sender("faq-plaats")
    messages = stack.send(sender, "Ik woon in Monster. Wat kost een cliëntondersteuner?")
    text = bot_texts(messages)
    assert "gratis" in text, text  # the kosten answer
    assert "Monster hoort bij de gemeente Westland" in text, text
    assert "cliëntondersteuner in de gemeente Westland" in text, text
    offer = [b["payload"] for b in messages[-1].get("buttons") or []]
    assert offer == ["/find_clientondersteuner", "/find_zorgkantoor"], messages
    reply = bot_texts(stack.send(sender, "/find_clientondersteuner"))
    assert "In welke gemeente woont u?" not in reply and "Westland" in reply, reply


def test_another_question_naming_a_place_is_answered_and_the_place_kept(stack) -> None:
    """A question that names a place but does not ask where to go gets its own answer, not a
    list of cliëntondersteuners; the place is remembered and its lookups are offered."""
    messages = stack.send(_sender("faq-plaats-2"), "Wat doet de gemeente voor mantelzorgers? Ik woon in Wolvega.")
    text = bot_texts(messages)
    assert "Uw gemeente moet mantelzorgers ondersteunen" in text, text
    assert "Wolvega hoort bij de gemeente Weststellingwerf" in text, text
    # the answer says "differs per gemeente": the place the person named becomes that gemeente
    assert "terecht bij de gemeente Weststellingwerf" in text and "14 met het netnummer" in text, text
    assert "Gratis cliëntondersteuning voor" not in text and "in mijn lijst" not in text, text
    offer = [b["payload"] for b in messages[-1].get("buttons") or []]
    assert offer == ["/find_clientondersteuner", "/find_zorgkantoor"], messages


@pytest.mark.parametrize("question, said", [
    ("Wij wonen in Amsterdam-Zuid. Wat kost een cliëntondersteuner?",
     "cliëntondersteuner in de gemeente Amsterdam"),
    ("Wij wonen in Hoogvliet. Wat kost een cliëntondersteuner?", "Hoogvliet hoort bij de gemeente Rotterdam"),
    # a kern that is also a word, written as a place, and a village named with its article
    ("Mijn vader woont in Hoek. Wat kost een cliëntondersteuner?", "Hoek hoort bij de gemeente Terneuzen"),
    ("Wij wonen in de Westereen. Wat kost een cliëntondersteuner?",
     "De Westereen hoort bij de gemeente Dantumadiel"),
])
def test_a_city_district_or_a_kern_named_after_its_city_is_kept(stack, question: str, said: str) -> None:
    """'Amsterdam-Zuid' is one word to the tokenizer and 'Hoogvliet' is 'Hoogvliet Rotterdam' in the
    postcode data: both are still read as the place, beside the FAQ answer."""
    messages = stack.send(_sender("wijk"), question)
    text = bot_texts(messages)
    assert "gratis" in text and said in text, text
    offer = [b["payload"] for b in messages[-1].get("buttons") or []]
    assert offer == ["/find_clientondersteuner", "/find_zorgkantoor"], messages


@pytest.mark.parametrize("question, read_as", [
    # a who-question with a where-to-go topic: the lookup for the place as read (nlp/place_question.py)
    ("Ik woon in Vrieschelo en mijn man kan niet meer goed voor zichzelf zorgen. Wie kan ons helpen?",
     "Ik ga uit van Vriescheloo, in de gemeente Westerwolde."),
    ("Wij wonen in Oud Beierland. Wat kost een cliëntondersteuner?",
     "Oud-Beijerland hoort bij de gemeente Hoeksche Waard."),
    # WhatsApp style, no capitals: the kern is read all the same
    ("ik woon in rockanje en kan door mijn reuma niet meer zelf koken. waar kan ik terecht",
     "Rockanje hoort bij de gemeente Voorne aan Zee."),
    # no capitals and no "woon": a kern after a bare "in" is read too
    ("wie kan mij helpen met de zorg voor mijn man in kollum, waar moet ik heen?",
     "Kollum hoort bij de gemeente Noardeast-Fryslân."),
])
def test_a_misspelt_place_after_ik_woon_in_is_read_and_said(stack, question: str, read_as: str) -> None:
    """A place the entity ruler does not know, written after "ik woon in", is read as the known
    place it is closest to, and the reply says so; the question is still answered."""
    messages = stack.send(_sender("fuzzy-plaats"), question)
    text = bot_texts(messages)
    assert read_as in text, text
    assert "In welke gemeente woont u?" not in text
    assert len(messages) >= 3, messages  # the answer, how the place was read, the offer of its lookups


def test_a_country_after_ik_woon_in_is_not_read_as_a_village(stack) -> None:
    text = bot_texts(stack.send(_sender("land"), "Ik woon in Nederland. Wat kost een cliëntondersteuner?"))
    assert "gratis" in text and "hoort bij de gemeente" not in text, text

"""Dutch NLP pieces: the offline spaCy pipeline builder and custom Rasa components."""

"""Safety first: recognise danger, violence and an exhausted carer, and answer each at once.

- ``levels``: the three levels, their intents and their answers (one home for the names).
- ``terms``: the explicit phrase list, a floor that can only raise a level.
- ``classifier``: the Rasa NLU component that reads meaning (trained on ``examples/*.yml``).
- ``policy``: the Rasa policy that answers a level before anything else, also inside a form.
"""

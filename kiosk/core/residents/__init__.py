"""Residents' own journeys, in plain Python: My Account signup and Report a problem.

- `validate`: checks on what residents type (names, email with "did you mean", UK mobile
  numbers, postcodes, dates of birth, free text), each with a kind message.
- `gazetteer`: the council's addresses and streets (reference data from central).
- `signup`: one signup being filled in, the record sent to central, and the follow-up
  request when a resident gives up part way and asks to be contacted.
- `reports`: the council's problem categories with their questions, and one report.
"""


def _(message: str) -> str:
    """Marks a message for translation; the screens translate it when they show it."""
    return message

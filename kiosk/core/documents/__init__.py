"""Residents scanning proof documents for their claim, in plain Python.

- `claim`: what the documents are for, what they are, and the claim reference (typed, or
  read from the barcode or QR code on a council letter), with kind messages.
- `session`: the pages of one resident's scan, from camera frame to flattened page, and
  the PDF sent sealed to central with a receipt number.
- `receipt`: the printed slip.
"""


def _(message: str) -> str:
    """Marks a message for translation; the screens translate it when they show it."""
    return message

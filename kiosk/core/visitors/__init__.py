"""Business visitors and booked appointments at a civic office, in plain Python.

- `directory`: the staff a visitor can be visiting, searched as they type.
- `codes`: what the kiosk's QR codes say (invites, badges, appointment letters).
- `invites`: invitations hosts made in advance, found by code, QR or name.
- `register`: who is on site now (encrypted at rest), for sign-out and the fire roll-call.
- `validation`: checks on what visitors type, with kind messages.
- `badge`: the printed badge (PNG and PDF).
- `desk`: the front desk the screens talk to: check in, sign out, roll-call, tickets.
"""


def _(message: str) -> str:
    """Marks a message for translation; the screens translate it when they show it."""
    return message

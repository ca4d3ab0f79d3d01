"""The council's central service that kiosks sync to (FastAPI).

It enrols devices, receives their records exactly once, opens the sealed payloads with the
council's private key, and publishes signed reference data. SQLite and a files folder by
default; any SQLAlchemy database URL (PostgreSQL) for councils that outgrow one machine.
It never logs personal data.
"""

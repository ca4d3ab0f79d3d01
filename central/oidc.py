"""Signing in to the console with the council's own identity provider (OpenID Connect, the
authorization code flow with PKCE, by Authlib), as well as or instead of local passwords.

Set up by environment (central reads it at start):

    HUBKIOSK_OIDC_ISSUER         https://login.council.example (its /.well-known/openid-configuration)
    HUBKIOSK_OIDC_CLIENT_ID      the console's client id there
    HUBKIOSK_OIDC_CLIENT_SECRET  its secret (never on the command line)
    HUBKIOSK_OIDC_REQUIRE_MFA    1 (default): the provider must say (`amr`) a second factor was used

The provider says who someone is; the console still decides what they may do: the verified
email address must belong to an active console account (`python -m central staff add`), whose
roles apply. The state is one-time, kept as a hash for 10 minutes and tied to the browser by
a cookie; the ID token's signature (the provider's JWKS), issuer, audience, expiry and nonce
are all checked (joserfc, Authlib's own JOSE library).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, select

from central import db as tables

MFA_METHODS = {"mfa", "otp", "hwk", "swk", "sms", "fpt", "face", "iris", "sc"}
STATE_MINUTES = 10


class SignInFailed(Exception):
    """The provider's answer cannot sign anybody in (the message is for the person)."""


@dataclass(frozen=True)
class Settings:
    issuer: str
    client_id: str
    client_secret: str
    require_mfa: bool = True

    @classmethod
    def from_env(cls, env=os.environ) -> "Settings | None":
        issuer = env.get("HUBKIOSK_OIDC_ISSUER", "").rstrip("/")
        if not issuer:
            return None
        return cls(issuer, env["HUBKIOSK_OIDC_CLIENT_ID"], env.get("HUBKIOSK_OIDC_CLIENT_SECRET", ""),
                   env.get("HUBKIOSK_OIDC_REQUIRE_MFA", "1") != "0")


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class Provider:
    """The council's identity provider, as its discovery document describes it (fetched
    once, then kept for an hour with its keys)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._config: dict | None = None
        self._keys = None
        self._fetched = 0.0

    def config(self) -> dict:
        import requests

        if self._config is None or time.monotonic() - self._fetched > 3600:
            answer = requests.get(f"{self.settings.issuer}/.well-known/openid-configuration", timeout=10)
            answer.raise_for_status()
            config = answer.json()
            if config.get("issuer", "").rstrip("/") != self.settings.issuer:
                raise SignInFailed("The identity provider's settings do not match its address.")
            from joserfc.jwk import KeySet

            keys = requests.get(config["jwks_uri"], timeout=10)
            keys.raise_for_status()
            self._config, self._keys, self._fetched = config, KeySet.import_key_set(keys.json()), time.monotonic()
        return self._config

    def _client(self, redirect_uri: str):
        from authlib.integrations.requests_client import OAuth2Session

        return OAuth2Session(self.settings.client_id, self.settings.client_secret, scope="openid email profile",
                             redirect_uri=redirect_uri, code_challenge_method="S256", timeout=10)

    def start(self, conn, redirect_uri: str, next_path: str) -> tuple[str, str]:
        """(the provider's sign-in address to send the browser to, the state for its cookie)."""
        state, nonce, verifier = secrets.token_urlsafe(32), secrets.token_urlsafe(24), secrets.token_urlsafe(48)
        now = datetime.now(timezone.utc)
        conn.execute(delete(tables.oidc_logins).where(tables.oidc_logins.c.expires_at < now))
        conn.execute(tables.oidc_logins.insert().values(
            state_sha256=_sha(state), nonce=nonce, verifier=verifier, next_path=next_path[:200],
            expires_at=now + timedelta(minutes=STATE_MINUTES)))
        url, _state = self._client(redirect_uri).create_authorization_url(
            self.config()["authorization_endpoint"], state=state, nonce=nonce, code_verifier=verifier)
        return url, state

    def finish(self, conn, redirect_uri: str, code: str, state: str, cookie_state: str | None) -> tuple[str, str]:
        """The verified email address the provider signed in, and where to go next."""
        import hmac

        from joserfc import jwt
        from joserfc.errors import JoseError

        if not state or not cookie_state or not hmac.compare_digest(state, cookie_state):
            raise SignInFailed("This sign-in was started in another browser, or took too long. Please start again.")
        row = conn.execute(select(tables.oidc_logins).where(
            tables.oidc_logins.c.state_sha256 == _sha(state))).mappings().first()
        conn.execute(delete(tables.oidc_logins).where(tables.oidc_logins.c.state_sha256 == _sha(state)))
        if row is None or tables.aware(row["expires_at"]) < datetime.now(timezone.utc):
            raise SignInFailed("This sign-in has expired or was used already. Please start again.")
        config = self.config()
        try:
            token = self._client(redirect_uri).fetch_token(config["token_endpoint"], code=code,
                                                           code_verifier=row["verifier"])
            claims = jwt.decode(token["id_token"], self._keys, algorithms=["RS256", "ES256", "PS256"]).claims
            jwt.JWTClaimsRegistry(
                leeway=60, iss={"essential": True, "value": config["issuer"]},
                aud={"essential": True, "value": self.settings.client_id},
                nonce={"essential": True, "value": row["nonce"]}, exp={"essential": True},
                sub={"essential": True}).validate(claims)
        except (JoseError, KeyError, ValueError) as exc:
            raise SignInFailed("The identity provider's answer could not be checked. Please try again.") from exc
        except Exception as exc:  # noqa: BLE001 - the provider unreachable or refusing the code
            raise SignInFailed("The identity provider did not answer. Please try again, or sign in with "
                               "your console password.") from exc
        if not claims.get("email") or claims.get("email_verified") is False:
            raise SignInFailed("Your council account has no verified email address, so the console cannot "
                               "find your account. Ask IT.")
        if self.settings.require_mfa and not MFA_METHODS & set(claims.get("amr") or []):
            raise SignInFailed("Your council sign-in did not use a second factor (such as an authenticator "
                               "app), which the console needs. Sign in again with it, or ask IT.")
        return str(claims["email"]), row["next_path"]

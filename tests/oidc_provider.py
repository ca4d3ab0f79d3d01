"""A small OpenID Connect provider on loopback, standing in for the council's identity
provider (Entra ID, Okta, Keycloak...): discovery, JWKS, the authorization endpoint (which
signs in `user` at once) and the token endpoint (code, PKCE and client secret checked; an
RS256 ID token signed with joserfc). `misbehave` makes it answer wrongly on purpose."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import RSAKey

from tests.sync.conftest import free_port


class OidcProvider:
    def __init__(self, client_id: str = "hubkiosk-console", client_secret: str = "s3cret-for-tests") -> None:
        self.client_id, self.client_secret = client_id, client_secret
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.key = RSAKey.generate_key(2048, parameters={"kid": "k1"})
        self.user = {"email": "someone@council.example", "email_verified": True, "amr": ["pwd", "mfa"]}
        self.misbehave: str | None = None  # "wrong-nonce" | "wrong-audience" | "expired" | "other-key"
        self.codes: dict[str, dict] = {}
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args) -> None:
                pass

            def _json(self, value: dict, status: int = 200) -> None:
                body = json.dumps(value).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:  # noqa: N802
                url = urlsplit(self.path)
                if url.path == "/.well-known/openid-configuration":
                    self._json({"issuer": provider.issuer, "authorization_endpoint": f"{provider.issuer}/authorize",
                                "token_endpoint": f"{provider.issuer}/token", "jwks_uri": f"{provider.issuer}/jwks",
                                "response_types_supported": ["code"], "id_token_signing_alg_values_supported": ["RS256"],
                                "code_challenge_methods_supported": ["S256"]})
                elif url.path == "/jwks":
                    self._json({"keys": [provider.key.as_dict(private=False)]})
                elif url.path == "/authorize":
                    q = {k: v[0] for k, v in parse_qs(url.query).items()}
                    assert q["client_id"] == provider.client_id and q["response_type"] == "code"
                    assert q["code_challenge_method"] == "S256" and "openid" in q["scope"].split()
                    code = secrets.token_urlsafe(16)
                    provider.codes[code] = q
                    self.send_response(302)
                    self.send_header("Location", f"{q['redirect_uri']}?{urlencode({'code': code, 'state': q['state']})}")
                    self.end_headers()
                else:
                    self._json({"error": "not_found"}, 404)

            def do_POST(self) -> None:  # noqa: N802
                body = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
                form = {k: v[0] for k, v in body.items()}
                auth = self.headers.get("Authorization", "")
                if auth.startswith("Basic "):
                    client_id, _c, secret = base64.b64decode(auth[6:]).decode().partition(":")
                else:
                    client_id, secret = form.get("client_id"), form.get("client_secret")
                asked = provider.codes.pop(form.get("code", ""), None)
                challenge = base64.urlsafe_b64encode(hashlib.sha256(form.get("code_verifier", "").encode()).digest()
                                                     ).rstrip(b"=").decode()
                if (client_id, secret) != (provider.client_id, provider.client_secret) or asked is None \
                        or challenge != asked["code_challenge"] or form.get("redirect_uri") != asked["redirect_uri"]:
                    self._json({"error": "invalid_grant"}, 400)
                    return
                now = int(time.time())
                claims = {"iss": provider.issuer, "sub": "user-1", "aud": provider.client_id, "iat": now,
                          "exp": now + 300, "nonce": asked["nonce"], **provider.user}
                key = provider.key
                if provider.misbehave == "wrong-nonce":
                    claims["nonce"] = "not-the-one"
                elif provider.misbehave == "wrong-audience":
                    claims["aud"] = "another-client"
                elif provider.misbehave == "expired":
                    claims["exp"] = now - 600
                elif provider.misbehave == "other-key":
                    key = RSAKey.generate_key(2048, parameters={"kid": "k1"})
                id_token = jwt.encode({"alg": "RS256", "kid": "k1"}, claims, key)
                self._json({"access_token": secrets.token_urlsafe(16), "token_type": "Bearer", "expires_in": 300,
                            "id_token": id_token})

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "OidcProvider":
        self.thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.server.shutdown()
        self.server.server_close()

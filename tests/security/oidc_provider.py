"""A tiny OpenID Connect provider for the tests, behaving like ProConnect (no network: 127.0.0.1).

``OIDCProvider(...).start()`` serves, on a random port:

- ``/.well-known/openid-configuration`` (discovery);
- ``/authorize``: checks the client, records the nonce, redirects back with a code and the state;
- ``/token``: checks the client secret, the code and the redirect URI, returns an access token and an
  ID token signed with RS256 (``iss``, ``aud``, ``sub``, ``nonce``, ``exp``, ``iat``, ``acr``);
- ``/userinfo``: the claims (email, given_name, usual_name, siret), as a signed JWT like ProConnect;
- ``/jwks``: the public key; ``/session/end``: the end of the session (redirects back).

``tamper`` spoils the ID token on purpose: ``"signature"`` (signed by another key under the same
``kid``), ``"nonce"``, ``"audience"``, ``"issuer"``, ``"expired"``.
"""

import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

KID = "test-key-1"


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class OIDCProvider:
    client_id: str = "ancrage-test"
    client_secret: str = "test-secret"
    claims: dict[str, Any] = field(default_factory=dict)
    tamper: str = ""
    userinfo_as_jwt: bool = True
    key: rsa.RSAPrivateKey = field(default_factory=_new_key)
    # What the provider saw, for assertions.
    authorize_requests: list[dict[str, str]] = field(default_factory=list)
    token_requests: list[dict[str, str]] = field(default_factory=list)
    end_session_requests: list[dict[str, str]] = field(default_factory=list)
    _codes: dict[str, dict[str, str]] = field(default_factory=dict)
    _access_tokens: set[str] = field(default_factory=set)
    _server: ThreadingHTTPServer | None = None

    # --- lifecycle --------------------------------------------------------------------------------

    def start(self) -> "OIDCProvider":
        provider = self

        class Handler(_Handler):
            pass

        Handler.provider = provider
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def issuer(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # --- documents --------------------------------------------------------------------------------

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": self.issuer + "/authorize",
            "token_endpoint": self.issuer + "/token",
            "userinfo_endpoint": self.issuer + "/userinfo",
            "jwks_uri": self.issuer + "/jwks",
            "end_session_endpoint": self.issuer + "/session/end",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "userinfo_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "given_name", "usual_name", "siret"],
        }

    def jwks(self) -> dict[str, Any]:
        jwk = RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        jwk.update({"kid": KID, "alg": "RS256", "use": "sig"})
        return {"keys": [jwk]}

    def _sign(self, payload: dict[str, Any], *, key: rsa.RSAPrivateKey | None = None) -> str:
        return jwt.encode(payload, key or self.key, algorithm="RS256", headers={"kid": KID})

    def id_token(self, *, nonce: str) -> str:
        now = int(time.time())
        payload = {
            "iss": self.issuer,
            "sub": self.claims.get("sub", "agent-sub-1"),
            "aud": self.client_id,
            "iat": now,
            "exp": now + 60,
            "nonce": nonce,
            "acr": "eidas1",
            "amr": ["pwd"],
        }
        key = None
        if self.tamper == "signature":
            key = _new_key()
        elif self.tamper == "nonce":
            payload["nonce"] = "not-the-nonce-you-sent"
        elif self.tamper == "audience":
            payload["aud"] = "another-client"
        elif self.tamper == "issuer":
            payload["iss"] = "https://evil.example.org"
        elif self.tamper == "expired":
            payload["iat"], payload["exp"] = now - 600, now - 300
        return self._sign(payload, key=key)

    def userinfo(self) -> dict[str, Any]:
        return {"sub": "agent-sub-1", **self.claims}


class _Handler(BaseHTTPRequestHandler):
    provider: OIDCProvider

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _json(self, body: Any, status: int = 200) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:
        provider = self.provider
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path == "/.well-known/openid-configuration":
            self._json(provider.discovery())
        elif url.path == "/jwks":
            self._json(provider.jwks())
        elif url.path == "/authorize":
            provider.authorize_requests.append(query)
            if query.get("client_id") != provider.client_id or query.get("response_type") != "code":
                self._json({"error": "invalid_client"}, status=400)
                return
            code = secrets.token_urlsafe(16)
            provider._codes[code] = {"nonce": query.get("nonce", ""), "redirect_uri": query["redirect_uri"]}
            self._redirect(query["redirect_uri"] + "?" + urlencode({"code": code, "state": query.get("state", "")}))
        elif url.path == "/userinfo":
            token = self.headers.get("Authorization", "").removeprefix("Bearer ")
            if token not in provider._access_tokens:
                self._json({"error": "invalid_token"}, status=401)
                return
            claims = provider.userinfo()
            if provider.userinfo_as_jwt:
                data = provider._sign({**claims, "iss": provider.issuer, "aud": provider.client_id}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/jwt")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            else:
                self._json(claims)
        elif url.path == "/session/end":
            provider.end_session_requests.append(query)
            self._redirect(query.get("post_logout_redirect_uri", "/"))
        else:
            self._json({"error": "not_found"}, status=404)

    def do_POST(self) -> None:
        provider = self.provider
        if urlsplit(self.path).path != "/token":
            self._json({"error": "not_found"}, status=404)
            return
        length = int(self.headers.get("Content-Length", "0"))
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        provider.token_requests.append(form)
        grant = provider._codes.pop(form.get("code", ""), None)
        if (
            form.get("client_id") != provider.client_id
            or form.get("client_secret") != provider.client_secret
            or grant is None
            or grant["redirect_uri"] != form.get("redirect_uri")
        ):
            self._json({"error": "invalid_grant"}, status=400)
            return
        access_token = secrets.token_urlsafe(24)
        provider._access_tokens.add(access_token)
        self._json(
            {
                "access_token": access_token,
                "token_type": "Bearer",
                "expires_in": 60,
                "id_token": provider.id_token(nonce=grant["nonce"]),
            }
        )

"""Who is calling: the identity carried by a bearer token, and its permissions."""

import time
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import jwt

from app.core.errors import NotAuthenticated, PermissionDenied


class Permission(StrEnum):
    QUEUES_READ = "queues:read"
    QUEUES_WRITE = "queues:write"
    FLOWS_READ = "flows:read"
    FLOWS_WRITE = "flows:write"


ALL_PERMISSIONS = tuple(Permission)


@dataclass(frozen=True, slots=True)
class Principal:
    user: str
    tenant: str
    permissions: frozenset[str]
    expires_at: float | None = None

    def require(self, permission: Permission) -> None:
        if permission not in self.permissions:
            raise PermissionDenied(permission)


def issue_token(
    secret: str,
    *,
    tenant: str,
    user: str,
    permissions: tuple[str, ...],
    ttl_seconds: int = 3600,
    algorithm: str = "HS256",
    kid: str | None = None,
) -> str:
    now = int(time.time())
    claims = {
        "sub": user,
        "tenant": tenant,
        "scope": " ".join(permissions),
        "iat": now,
        "exp": now + ttl_seconds,
    }
    headers = {"kid": kid} if kid else None
    return jwt.encode(claims, secret, algorithm=algorithm, headers=headers)


class TokenVerifier:
    """Checks bearer tokens: signature with the configured algorithm and key, `exp`
    (required), `nbf` (when present), and the tenant against the known ones."""

    def __init__(
        self,
        algorithm: str,
        *,
        secret: str | None = None,
        public_key_file: Path | None = None,
        jwks_file: Path | None = None,
        known_tenants: Iterable[str] = (),
    ) -> None:
        self.algorithm = algorithm
        self.known_tenants = frozenset(known_tenants)
        self._key: Any = secret
        self._jwks: dict[str, Any] = {}
        if public_key_file is not None:
            self._key = public_key_file.read_text()
        if jwks_file is not None:
            keys = jwt.PyJWKSet.from_json(jwks_file.read_text())
            self._jwks = {key.key_id: key.key for key in keys.keys if key.key_id}
        if self._key is None and not self._jwks:
            raise ValueError("a token verifier needs a secret, a public key or a JWKS")

    def verify(self, token: str) -> Principal:
        """The identity a token carries; raises NotAuthenticated saying why not, in our
        words (the library's messages name its internals and change between releases)."""
        try:
            jwt.get_unverified_header(token)
        except jwt.InvalidTokenError as error:
            raise NotAuthenticated(MALFORMED) from error
        try:
            key = self._key_for(token)
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                # Only the configured algorithm: never `none`, never HS256 with an RSA key.
                algorithms=[self.algorithm],
                options={"require": ["exp", "sub", "tenant"]},
            )
        except jwt.InvalidTokenError as error:
            raise NotAuthenticated(self._refusal(error)) from error
        principal = _principal(claims)
        if self.known_tenants and principal.tenant not in self.known_tenants:
            raise NotAuthenticated("the token's tenant is not known here")
        return principal

    def _key_for(self, token: str) -> Any:
        if not self._jwks:
            return self._key
        kid = jwt.get_unverified_header(token).get("kid")
        if not isinstance(kid, str) or kid not in self._jwks:
            raise UnknownKey
        return self._jwks[kid]

    def _refusal(self, error: jwt.InvalidTokenError) -> str:
        """Why a well-formed token was refused, for the caller."""
        match error:
            case jwt.ExpiredSignatureError():
                return "the token has expired"
            case jwt.ImmatureSignatureError():
                return "the token is not valid yet"
            case jwt.InvalidSignatureError():
                return (
                    "the token's signature does not match: it was not signed with this server's key"
                )
            case jwt.InvalidAlgorithmError():
                return (
                    "the token is signed with another algorithm; "
                    f"this server accepts {self.algorithm} only"
                )
            case jwt.MissingRequiredClaimError():
                return f"the token has no '{error.claim}' claim"
            case UnknownKey():
                return "the token's key id (kid) names no key this server knows"
            case jwt.DecodeError():
                return (
                    "the token's claims cannot be read: the payload must be a JSON object "
                    "with numeric 'exp', 'nbf' and 'iat'"
                )
            case jwt.exceptions.InvalidSubjectError():
                return "the token's 'sub' claim must be a string"
            case jwt.InvalidIssuedAtError():
                return "the token's 'iat' claim must be a number"
        return "the token is not accepted here"


MALFORMED = "the token is malformed: not a JWT (header.payload.signature)"


class UnknownKey(jwt.InvalidTokenError):
    """The token's `kid` names none of the JWKS keys."""


def _principal(claims: dict[str, Any]) -> Principal:
    tenant, user, scope = claims.get("tenant"), claims.get("sub"), claims.get("scope", "")
    if not isinstance(tenant, str) or not isinstance(user, str):
        raise NotAuthenticated("the token names no tenant or user")
    if not _printable(tenant) or not _printable(user):
        raise NotAuthenticated("the token names no tenant or user")
    if not isinstance(scope, str):
        raise NotAuthenticated("the token's scope must be a space-separated string")
    return Principal(
        user=user,
        tenant=tenant,
        # RFC 6749 section 3.3: scopes are separated by spaces (0x20), and only by
        # them; str.split() would also split on tabs, NBSP, em spaces...
        permissions=frozenset(s for s in scope.split(" ") if s),
        expires_at=float(claims["exp"]),
    )


def _printable(value: str) -> bool:
    """Non-blank, without control characters: it is stored and queried (PostgreSQL
    refuses a NUL byte) and written to logs."""
    return bool(value.strip()) and not any(ord(ch) < 32 or ch == "\x7f" for ch in value)

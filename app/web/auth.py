import time
from collections import OrderedDict

from starlette.datastructures import Headers
from starlette.types import Scope

from app.core.errors import NotAuthenticated
from app.core.identity import Principal, TokenVerifier
from app.core.settings import Settings
from app.web.call import Call

# Verified tokens, so that a client sending the same token again and again (every
# UI does) costs a dict lookup instead of a signature check. Expiry is still
# checked on every use; only tokens that verified are kept.
VERIFIED_TOKENS = 4096
_verified: OrderedDict[tuple[int, str], Principal] = OrderedDict()


def verifier_for(settings: Settings) -> TokenVerifier:
    return TokenVerifier(
        settings.jwt_algorithm,
        secret=None if settings.uses_public_keys else settings.secret,
        public_key_file=settings.jwt_public_key_file,
        jwks_file=settings.jwt_jwks_file,
        known_tenants=settings.known_tenants,
    )


class TokenTooLong(NotAuthenticated):
    """Refused on its length alone, before any decoding or signature work."""


def principal_from_authorization(
    header: str | None, verifier: TokenVerifier, max_token_bytes: int
) -> Principal:
    """The identity in an `Authorization: Bearer <jwt>` value; raises NotAuthenticated."""
    if header is None:
        raise NotAuthenticated("send a bearer token in the Authorization header")
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise NotAuthenticated("the Authorization header must be `Bearer <token>`")
    if len(token) > max_token_bytes:  # a JWT is ASCII: characters are bytes
        raise TokenTooLong(f"the bearer token is longer than {max_token_bytes} bytes")
    key = (id(verifier), token)
    known = _verified.get(key)
    if known is not None:
        if known.expires_at is not None and known.expires_at <= time.time():
            del _verified[key]
            raise NotAuthenticated("the token has expired")
        return known
    principal = verifier.verify(token)
    _verified[key] = principal
    if len(_verified) > VERIFIED_TOKENS:
        _verified.popitem(last=False)
    return principal


class Authenticator:
    """Who an HTTP request's bearer token names, worked out once per request: the rate
    limit needs it first (a verified caller gets its own bucket), the endpoint after."""

    def __init__(self, settings: Settings) -> None:
        self.verifier = verifier_for(settings)
        self.max_token_bytes = settings.max_token_bytes

    def identify(self, call: Call, scope: Scope) -> Principal | NotAuthenticated:
        if call.identity is None:
            header = Headers(scope=scope).get("authorization")
            try:
                call.identity = principal_from_authorization(
                    header, self.verifier, self.max_token_bytes
                )
            except NotAuthenticated as error:
                call.identity = error
        return call.identity

from app.core.errors import NotAuthenticated
from app.core.identity import Principal, principal_from_token
from app.core.settings import Settings


def principal_from_authorization(header: str | None, settings: Settings) -> Principal:
    """The identity in an `Authorization: Bearer <jwt>` value; raises NotAuthenticated."""
    if header is None:
        raise NotAuthenticated("send a bearer token in the Authorization header")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotAuthenticated("the Authorization header must be `Bearer <token>`")
    return principal_from_token(token.strip(), settings.secret, settings.jwt_algorithm)

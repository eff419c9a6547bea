"""Who is calling: the identity carried by a bearer token, and its permissions."""

import time
from dataclasses import dataclass
from enum import StrEnum
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
) -> str:
    now = int(time.time())
    claims = {
        "sub": user,
        "tenant": tenant,
        "scope": " ".join(permissions),
        "iat": now,
        "exp": now + ttl_seconds,
    }
    return jwt.encode(claims, secret, algorithm=algorithm)


def principal_from_token(token: str, secret: str, algorithm: str) -> Principal:
    """Verify a JWT and read its identity; raises NotAuthenticated."""
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            secret,
            algorithms=[algorithm],
            options={"require": ["exp", "sub", "tenant"]},
        )
    except jwt.ExpiredSignatureError as error:
        raise NotAuthenticated("the token has expired") from error
    except jwt.InvalidTokenError as error:
        raise NotAuthenticated(f"the token is invalid: {error}") from error
    tenant, user, scope = claims.get("tenant"), claims.get("sub"), claims.get("scope", "")
    if not isinstance(tenant, str) or not tenant or not isinstance(user, str):
        raise NotAuthenticated("the token names no tenant or user")
    if not isinstance(scope, str):
        raise NotAuthenticated("the token's scope must be a space-separated string")
    return Principal(
        user=user,
        tenant=tenant,
        permissions=frozenset(scope.split()),
        expires_at=float(claims["exp"]),
    )

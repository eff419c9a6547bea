"""Refused browser origins, said out loud.

Starlette's CORS middleware answers a refused preflight with a bare 400 (and
without CORS_ORIGINS there is no middleware at all: the route answers 405), and
logs nothing, so the front-end developer sees only "CORS error" in the browser.
This answers a cross-origin preflight that CORS_ORIGINS does not allow with 403
and a GraphQL-shaped JSON body naming the setting, and logs each refused origin
once (the set of origins remembered is bounded).
"""

import logging

import orjson
from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

log = logging.getLogger(__name__)

# Past this many distinct refused origins, stop remembering (and logging) new ones.
MAX_LOGGED_ORIGINS = 1000


class RefusedOrigins:
    """Remembers which refused origins were logged, so each is logged once."""

    def __init__(self) -> None:
        self.logged: set[str] = set()

    def note(self, origin: str, setting: str) -> None:
        if origin in self.logged or len(self.logged) >= MAX_LOGGED_ORIGINS:
            return
        self.logged.add(origin)
        log.warning(
            "refused browser origin %s; to allow it, add it to %s",
            origin,
            setting,
            extra={"origin": origin, "setting": setting},
        )


def refusal_message(origin: str, setting: str) -> str:
    return f"the browser origin {origin} is not allowed here; the operator can add it to {setting}"


def origin_refusal(origin: str, setting: str) -> Response:
    """403 with a GraphQL-shaped JSON body saying which setting would allow the origin."""
    return Response(_refusal_body(origin, setting), 403, media_type="application/json")


def _refusal_body(origin: str, setting: str) -> bytes:
    return orjson.dumps(
        {
            "errors": [
                {
                    "message": refusal_message(origin, setting),
                    "extensions": {"code": "ORIGIN_NOT_ALLOWED", "setting": setting},
                }
            ]
        }
    )


class CorsRefusal:
    """ASGI middleware in front of CORS: refuses disallowed preflights with a reason."""

    def __init__(self, app: ASGIApp, allowed: list[str], refused: RefusedOrigins) -> None:
        self.app = app
        self.allowed = set(allowed)
        self.refused = refused

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "OPTIONS":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        origin = headers.get("origin")
        preflight = "access-control-request-method" in headers
        if not preflight or origin is None or "*" in self.allowed or origin in self.allowed:
            await self.app(scope, receive, send)
            return
        self.refused.note(origin, "CORS_ORIGINS")
        body = _refusal_body(origin, "CORS_ORIGINS")
        await send(
            {
                "type": "http.response.start",
                "status": 403,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

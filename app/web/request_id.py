"""The outermost of our middleware: every HTTP request gets an id and its Call
(app/web/call.py), and every response carries the id as X-Request-Id."""

from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.web.call import start_call


class RequestIds:
    def __init__(self, app: ASGIApp, is_graphql: Callable[[Scope], bool]) -> None:
        self.app = app
        self.is_graphql = is_graphql

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        call = start_call(scope, self.is_graphql(scope))
        header = (b"x-request-id", call.request_id.encode())

        async def stamped(message: Message) -> None:
            if message["type"] == "http.response.start":
                # Seen after every inner layer sent it: the status the client gets.
                call.status = message["status"]
                message["headers"] = [*message.get("headers", ()), header]
            await send(message)

        await self.app(scope, receive, stamped)

from dataclasses import dataclass, field
from typing import TypeAlias

import strawberry
from strawberry.dataloader import DataLoader

from app.core.errors import NotAuthenticated
from app.core.identity import Principal
from app.core.settings import Settings
from app.models import Queue
from app.services import queues as queue_service
from app.services.change_feed import ChangeFeed


@dataclass(slots=True)
class Loaders:
    """Per-request DataLoaders, named `<entity>_by_<key>`."""

    queue_by_id: DataLoader[int, Queue | None]


def build_loaders(principal: Principal, *, cache: bool) -> Loaders:
    async def load_queues(ids: list[int]) -> list[Queue | None]:
        found = {q.pk: q for q in await queue_service.get_queues(principal, ids)}
        return [found.get(i) for i in ids]

    return Loaders(queue_by_id=DataLoader(load_fn=load_queues, cache=cache))


@dataclass(slots=True)
class Context:
    """One HTTP request, or one WebSocket connection (authenticated at connection_init)."""

    settings: Settings
    request_id: str
    feed: ChangeFeed | None = None
    identity: Principal | None = None
    # A context that outlives a request (a socket, a shared subscription) must not
    # cache rows: they would go stale.
    long_lived: bool = False
    _loaders: Loaders | None = field(default=None, init=False)

    @property
    def principal(self) -> Principal:
        if self.identity is None:
            raise NotAuthenticated("authenticate first")
        return self.identity

    @property
    def loaders(self) -> Loaders:
        if self._loaders is None:
            self._loaders = build_loaders(self.principal, cache=not self.long_lived)
        return self._loaders


Info: TypeAlias = strawberry.Info[Context, None]

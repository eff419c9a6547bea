from dataclasses import dataclass, field
from typing import TypeAlias

import strawberry
from strawberry.dataloader import DataLoader

from app.core.identity import Principal
from app.core.settings import Settings
from app.models import Queue
from app.services import queues as queue_service


@dataclass(slots=True)
class Loaders:
    """Per-request DataLoaders, named `<entity>_by_<key>`."""

    queue_by_id: DataLoader[int, Queue | None]


def build_loaders(principal: Principal) -> Loaders:
    async def load_queues(ids: list[int]) -> list[Queue | None]:
        found = {q.pk: q for q in await queue_service.get_queues(principal, ids)}
        return [found.get(i) for i in ids]

    return Loaders(queue_by_id=DataLoader(load_fn=load_queues))


@dataclass(slots=True)
class Context:
    principal: Principal
    settings: Settings
    request_id: str
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        self.loaders = build_loaders(self.principal)


Info: TypeAlias = strawberry.Info[Context, None]

"""Relay building blocks: the Node interface, finding nodes, keyset connections."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Generic, TypeVar

import strawberry

from app.core.identity import Principal
from app.core.pagination import MAX_PAGE_SIZE
from app.graphql.context import Info
from app.graphql.ids import pk_of
from app.services.paging import Page

NodeType = TypeVar("NodeType")
M = TypeVar("M")
Found_co = TypeVar("Found_co", covariant=True)

# How each field of a type is read from the repository row it is made from, by the
# field's Python name: the one mapping from the row, for from_model and page plans.
RowFields = dict[str, Callable[[Any], Any]]

PAGE_ARGS_DESCRIPTION = f"Default 10, at most {MAX_PAGE_SIZE}."

# The Relay page arguments, as every list field takes them: `first: First = None`.
First = Annotated[int | None, strawberry.argument(description=PAGE_ARGS_DESCRIPTION)]
After = Annotated[str | None, strawberry.argument(description="Start after this cursor.")]
Last = Annotated[
    int | None,
    strawberry.argument(description="Take the last items instead. " + PAGE_ARGS_DESCRIPTION),
]
Before = Annotated[str | None, strawberry.argument(description="End before this cursor.")]


@strawberry.interface(description="An object with a globally unique, opaque id.")
class Node:
    id: strawberry.ID = strawberry.field(description="The object's global id.")
    # Set on a type whose fields are all read from one row (None: the type is not).
    row_fields: ClassVar[RowFields | None] = None


@dataclass(frozen=True, slots=True)
class NodeLookup(Generic[M, Found_co]):
    """How to find one object of a Node type for the caller: what `node(id)`, the
    type's own query and a field naming it by key all do, so they answer alike."""

    type_name: str
    # The service read: checks the caller's permission; None if not the caller's.
    find: Callable[[Principal, int], Awaitable[M | None]]
    project: Callable[[M], Found_co]

    async def by_pk(self, info: Info, pk: int) -> Found_co | None:
        row = await self.find(info.context.principal, pk)
        return None if row is None else self.project(row)

    async def by_id(self, info: Info, global_id: str) -> Found_co | None:
        """None also for an id of another type; InvalidInput for text that is no id."""
        pk = pk_of(global_id, self.type_name)
        return None if pk is None else await self.by_pk(info, pk)


@strawberry.type(description="Where a page sits in the whole list.")
class PageInfo:
    start_cursor: str | None = strawberry.field(description="The first edge's cursor.")
    end_cursor: str | None = strawberry.field(description="The last edge's cursor.")
    _has_next: strawberry.Private[Callable[[], Awaitable[bool]]]
    _has_previous: strawberry.Private[Callable[[], Awaitable[bool]]]

    @strawberry.field(description="Whether more edges follow this page.")
    async def has_next_page(self) -> bool:
        return await self._has_next()

    @strawberry.field(description="Whether edges come before this page.")
    async def has_previous_page(self) -> bool:
        return await self._has_previous()


@strawberry.type(description="An item of a page with its cursor.")
class Edge(Generic[NodeType]):
    cursor: str = strawberry.field(description="Pass as `after` or `before` to page from here.")
    node: NodeType = strawberry.field(description="The item.")


@strawberry.type(description="A page of a list, Relay style, with keyset cursors.")
class Connection(Generic[NodeType]):
    edges: list[Edge[NodeType]] = strawberry.field(description="The items with their cursors.")
    nodes: list[NodeType] = strawberry.field(description="The items alone.")
    page_info: PageInfo = strawberry.field(description="Where this page sits.")
    _total_count: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="How many items the whole list has (costs a count query).")
    async def total_count(self) -> int:
        return await self._total_count()


def connection_of(page: Page[M], project: Callable[[M], NodeType]) -> Connection[NodeType]:
    nodes = [project(row) for row in page.rows]
    edges = [
        Edge(cursor=page.cursor(row), node=node) for row, node in zip(page.rows, nodes, strict=True)
    ]
    return Connection(
        edges=edges,
        nodes=nodes,
        page_info=PageInfo(
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
            _has_next=page.has_next,
            _has_previous=page.has_previous,
        ),
        _total_count=page.total_count,
    )

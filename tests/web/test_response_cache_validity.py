"""The response cache's invariant: anything a cached page shows moves the queue's
revision when it changes (app/web/response_cache.py relies on nothing else).

The fields are derived from the schema: a field added to anything a cached
`queueHooks` page can show fails `test_every_field_a_cached_page_shows_is_covered`
until WRITERS says what changes it, and then the writer must move the revision.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from graphql import GraphQLObjectType, build_schema, get_named_type

from app.models import QueueHookEvent
from app.repositories import queues as queue_repo
from app.services import flow_schemas, hooks
from app.services.hooks import HookUpdate
from tests.factories import TENANT, create_flow_schema, create_hook, create_queue
from tests.graphql.client import SCHEMA, gid, ok, principal


@dataclass
class World:
    queue_pk: int
    hook_pk: int
    schema_pk: int
    other_schema_pk: int


Writer = Callable[[World], Awaitable[Any]]


async def toggle(world: World) -> None:
    await hooks.update_hook(principal(), world.hook_pk, HookUpdate(enabled=True))


async def change_event(world: World) -> None:
    await hooks.update_hook(principal(), world.hook_pk, HookUpdate(event=QueueHookEvent.MISSED))


async def point_elsewhere(world: World) -> None:
    update = HookUpdate(flow_schema_id=world.other_schema_pk)
    await hooks.update_hook(principal(), world.hook_pk, update)


async def rename_flow_schema(world: World) -> None:
    await flow_schemas.rename_flow_schema(principal(), world.schema_pk, "Renamed")


# What changes each field of the page's nodes; None: set once, when the row is
# created (which is logged), never changed after.
WRITERS: dict[tuple[str, str], Writer | None] = {
    ("QueueHook", "id"): None,
    ("QueueHook", "event"): change_event,
    ("QueueHook", "flowSchema"): point_elsewhere,
    ("QueueHook", "enabled"): toggle,
    ("QueueHook", "version"): toggle,
    ("QueueHook", "createdAt"): None,
    ("QueueHook", "createdBy"): None,
    ("QueueHook", "updatedAt"): toggle,
    ("QueueHook", "updatedBy"): toggle,
    ("FlowSchema", "id"): None,
    ("FlowSchema", "name"): rename_flow_schema,
    ("FlowSchema", "type"): None,  # no write changes a flow schema's type
    ("FlowSchema", "createdAt"): None,
    ("FlowSchema", "updatedAt"): rename_flow_schema,
}
# The list around the nodes: computed from which hooks there are and their sort
# values, so it moves with the writes above and with creations and removals (logged).
LIST_TYPES = {"QueueHookConnection", "QueueHookEdge", "PageInfo"}
# A page that selects this is not cached (response_cache._safe).
NOT_CACHED = {"queue"}
# How a page selects each type's fields, from the root field's selection.
PATHS = {"QueueHook": "nodes { %s }", "FlowSchema": "nodes { flowSchema { %s } }"}


def shown_types() -> dict[str, GraphQLObjectType]:
    """Every object type a cacheable `queueHooks` page can reach."""
    schema = build_schema(SCHEMA.as_str())
    query = schema.query_type
    assert query is not None
    found: dict[str, GraphQLObjectType] = {}
    pending = [get_named_type(query.fields["queueHooks"].type)]
    while pending:
        named = pending.pop()
        if not isinstance(named, GraphQLObjectType) or named.name in found:
            continue
        found[named.name] = named
        for name, field in named.fields.items():
            if name not in NOT_CACHED:
                pending.append(get_named_type(field.type))
    return found


def test_every_field_a_cached_page_shows_is_covered() -> None:
    shown = shown_types()
    node_fields = {
        (type_name, field)
        for type_name, type_ in shown.items()
        if type_name not in LIST_TYPES
        for field in type_.fields
        if field not in NOT_CACHED
    }

    assert set(shown) - LIST_TYPES == set(PATHS)
    assert node_fields == set(WRITERS)


@pytest.mark.parametrize(
    "field",
    [key for key, writer in WRITERS.items() if writer is not None],
    ids="{0[0]}.{0[1]}".format,
)
async def test_each_change_a_page_shows_moves_the_queues_revision(
    database: str, field: tuple[str, str]
) -> None:
    type_name, name = field
    writer = WRITERS[field]
    assert writer is not None
    queue = await create_queue()
    schema = await create_flow_schema("Original")
    hook = await create_hook(queue, schema, QueueHookEvent.JOINED, enabled=False)
    world = World(queue.pk, hook.pk, schema.pk, (await create_flow_schema("Other")).pk)
    selection = "id" if name == "flowSchema" else ""
    leaf = f"{name} {{ {selection} }}" if selection else name
    page = "query($q: ID!) { queueHooks(queueId: $q) { %s } }" % (PATHS[type_name] % leaf)
    variables = {"q": gid("Queue", queue.pk)}
    shown_before = await ok(page, variables)
    revision_before = await queue_repo.revision_of(TENANT, queue.pk)

    await writer(world)
    shown_after = await ok(page, variables)
    revision_after = await queue_repo.revision_of(TENANT, queue.pk)

    assert shown_after != shown_before, "the writer must change what the page shows"
    assert revision_before is not None
    assert revision_after is not None
    assert revision_after > revision_before

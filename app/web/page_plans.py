"""Registry pages answered without running GraphQL: a plan compiled once per document.

The registry screen sends one shape of document over and over: a page of a queue's
hooks (`queueHooks`) with plain fields of each hook and its flow schema, cursors,
page flags and the total. Run through Strawberry and graphql-core, each request
pays for work that depends only on the document (extensions, argument conversion,
a resolver call and a completion per field), several times the cost of the rows.

So for a valid document of that shape a plan is made once (`_plan`, cached by the
document's text): the operation, its cost formula, and for every selected field
where its value comes from and how it is serialised, in the response's key order.
A request then does what execution would, minus the per-field machinery:

1. coerces its variables against the operation (graphql-core's own function);
2. checks the cost limit with the same formula the CostLimit extension evaluates;
3. reads the page through `hook_page`, the function the `queueHooks` resolver
   uses, which checks the `queues:read` permission, scopes by tenant, and
   validates the page arguments and cursors (app/core/pagination.py);
4. writes the JSON from the Strawberry objects the resolver would have returned,
   through the schema's own serialisers.

Authentication, the operation checks and the response cache stay in the endpoint,
around the one call to `answer`. Anything the plan does not cover takes the
general path, unchanged, because `answer` returns None: another shape of document
(aliases, fragments, directives, arguments below the root, a field with a resolver
of its own such as `queue`, several root fields), and every request that would
answer with an error (variables that do not coerce, a cost over the limit, a bad
cursor or page size, a missing permission, a failing database). Errors are thus
worded, classified and logged by the one path that does that.

tests/web/test_page_plans.py checks that both paths answer the same bytes for
generated documents and variables.
"""

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from operator import attrgetter
from typing import Any

import orjson
import strawberry
from graphql import (
    FieldNode,
    GraphQLEnumType,
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLSchema,
    OperationType,
    SelectionSetNode,
    get_argument_values,
    get_operation_ast,
    get_variable_values,
    specified_rules,
    validate,
)
from strawberry.types.field import StrawberryField

from app.core.identity import Principal
from app.core.settings import Settings
from app.graphql.core_schema import core_schema
from app.graphql.hooks.queries import hook_page
from app.graphql.hooks.types import (
    QueueHook,
    QueueHookFilter,
    QueueHookOrder,
)
from app.graphql.ids import pk_of
from app.graphql.leaves import fast_serializer
from app.graphql.limits import OperationCost, operation_cost
from app.graphql.relay import connection_of
from app.graphql.schema import Schema
from app.services.paging import Page
from app.web.documents import single_root_field
from app.web.live_documents import parsed_within_limits

ROOT_FIELD = "queueHooks"

# The fields whose resolvers do more than read an attribute: what each one awaits,
# taken from the page the resolver's connection is built from (app/graphql/relay.py).
PAGE_VALUES: dict[tuple[str, str], Callable[[Page[Any]], Awaitable[Any]]] = {
    ("QueueHookConnection", "totalCount"): lambda page: page.total_count(),
    ("PageInfo", "hasNextPage"): lambda page: page.has_next(),
    ("PageInfo", "hasPreviousPage"): lambda page: page.has_previous(),
}


class _Fallback(Exception):
    """This request is not the plan's to answer: the general path will."""


# How one selected field is written: from the object holding it and the page's awaited
# values, to its JSON value.
Write = Callable[[Any, Mapping[tuple[str, str], Any]], Any]


@dataclass(frozen=True, slots=True)
class PagePlan:
    operation_cost: OperationCost
    cost_limit: int
    schema: GraphQLSchema
    root: FieldNode
    root_field: GraphQLField
    # The connection's selected fields, in the response's order.
    fields: tuple[tuple[str, Write], ...]
    # Which of PAGE_VALUES the selection shows (each is awaited once).
    page_values: tuple[tuple[str, str], ...]

    async def run(self, variables: dict[str, Any], principal: Principal) -> "PlannedPage":
        definitions = self.operation_cost.operation.variable_definitions or ()
        coerced = get_variable_values(self.schema, definitions, variables, max_errors=1)
        if isinstance(coerced, list):
            raise _Fallback
        if self.operation_cost.evaluate(coerced.coerced) > self.cost_limit:
            raise _Fallback
        arguments = get_argument_values(self.root_field, self.root, coerced)
        page = await self._page(arguments, principal)
        connection = None if page is None else await self._connection(page)
        revision = None if page is None else page.revision
        return PlannedPage(orjson.dumps({"data": {ROOT_FIELD: connection}}), revision)

    async def _page(self, arguments: dict[str, Any], principal: Principal) -> Page[Any] | None:
        queue_pk = pk_of(arguments["queueId"], "Queue", "queueId")
        if queue_pk is None:
            return None
        return await hook_page(
            principal,
            queue_pk,
            first=arguments.get("first"),
            after=arguments.get("after"),
            last=arguments.get("last"),
            before=arguments.get("before"),
            filter=_hook_filter(arguments.get("filter")),
            order_by=_hook_order(arguments.get("orderBy")),
        )

    async def _connection(self, page: Page[Any]) -> dict[str, Any]:
        awaited = {key: await PAGE_VALUES[key](page) for key in self.page_values}
        connection = connection_of(page, QueueHook.from_model)
        return {key: write(connection, awaited) for key, write in self.fields}


@dataclass(frozen=True, slots=True)
class PlannedPage:
    """A page's response body, and the queue revision its rows were read at (None:
    none, so it may not be cached)."""

    body: bytes
    revision: int | None


def _hook_filter(given: dict[str, Any] | None) -> QueueHookFilter | None:
    if given is None:
        return None
    return QueueHookFilter(
        events=given.get("events"),
        enabled=given.get("enabled"),
        flow_schema_ids=given.get("flowSchemaIds"),
    )


def _hook_order(given: dict[str, Any] | None) -> QueueHookOrder | None:
    if given is None:
        return None
    return QueueHookOrder(field=given["field"], direction=given["direction"])


async def answer(
    schema: strawberry.Schema,
    settings: Settings,
    query: str,
    variables: dict[str, Any] | None,
    operation_name: str | None,
    principal: Principal,
) -> PlannedPage | None:
    """The response for this request, or None: run it the general way.

    The caller has authenticated the request, resolved its operation, and looked it
    up in the response cache; it stores what this returns there as it would any
    other answer."""
    # With tracing on, the general path's spans show each resolver.
    if not settings.page_plans_enabled or settings.tracing_enabled:
        return None
    assert isinstance(schema, Schema), "built by app.graphql.schema.build_schema"
    plan = _plan(schema, query, operation_name)
    if plan is None:
        return None
    try:
        return await plan.run(variables or {}, principal)
    except Exception:
        # An invalid variable, a bad cursor, a missing permission, a database that is
        # down: the general path answers it, with the error worded and classified.
        return None


@lru_cache(maxsize=1024)
def _plan(schema: Schema, query: str, operation_name: str | None) -> PagePlan | None:
    """A plan for a valid document whose one root field is a plain `queueHooks`
    connection read; None for anything else (including invalid documents, so that
    they get the usual errors)."""
    document = parsed_within_limits(schema, query)
    if document is None:
        return None
    core = core_schema(schema)
    if validate(core, document, (*specified_rules, *schema.validation_rules)):
        return None
    operation = get_operation_ast(document, operation_name)
    root = single_root_field(document, operation_name, OperationType.QUERY, ROOT_FIELD)
    if operation is None or operation.directives or root is None or root.alias is not None:
        return None
    cost = operation_cost(core, document, operation_name)
    root_field = core.query_type.fields[ROOT_FIELD] if core.query_type else None
    if cost is None or root_field is None or isinstance(root_field.type, GraphQLNonNull):
        return None
    connection_type = root_field.type
    if not isinstance(connection_type, GraphQLObjectType):
        return None
    used: list[tuple[str, str]] = []
    fields = _object_fields(schema, connection_type, root.selection_set, used)
    if fields is None:
        return None
    return PagePlan(
        operation_cost=cost,
        cost_limit=schema.limits.cost,
        schema=core,
        root=root,
        root_field=root_field,
        fields=fields,
        page_values=tuple(dict.fromkeys(used)),
    )


def _object_fields(
    schema: Schema,
    object_type: GraphQLObjectType,
    selection_set: SelectionSetNode | None,
    used: list[tuple[str, str]],
) -> tuple[tuple[str, Write], ...] | None:
    """How to write each selected field of an object, or None if any of them needs
    the general path. Only plain fields: no aliases, directives, arguments, fragments
    or repeats (graphql-core would merge those; the plan does not try)."""
    if selection_set is None:
        return None
    fields: list[tuple[str, Write]] = []
    for selection in selection_set.selections:
        if not isinstance(selection, FieldNode):
            return None
        if selection.alias or selection.directives or selection.arguments:
            return None
        name = selection.name.value
        if any(key == name for key, _ in fields):
            return None
        if name == "__typename":
            fields.append((name, _constant(object_type.name)))
            continue
        field = object_type.fields.get(name)
        if field is None:
            return None
        write = _field(schema, object_type, name, field, selection, used)
        if write is None:
            return None
        fields.append((name, write))
    return tuple(fields)


def _field(
    schema: Schema,
    object_type: GraphQLObjectType,
    name: str,
    field: GraphQLField,
    selection: FieldNode,
    used: list[tuple[str, str]],
) -> Write | None:
    key = (object_type.name, name)
    if key in PAGE_VALUES:
        leaf = _leaf_type(field.type)
        if leaf is None:
            return None
        used.append(key)
        return _serialised(lambda _source, awaited: awaited[key], field.type, leaf)
    read = _attribute_reader(schema, field)
    if read is None:
        return None
    return _value_writer(schema, field.type, read, selection, used)


def _attribute_reader(schema: Schema, field: GraphQLField) -> Callable[[Any], Any] | None:
    """How Strawberry resolves a field without a resolver of its own (an attribute
    read with the schema's default resolver), or None for any other field."""
    definition = (field.extensions or {}).get("strawberry-definition")
    if not isinstance(definition, StrawberryField) or field.args:
        return None
    if not definition.is_basic_field or definition.default_resolver is not getattr:
        return None
    return attrgetter(definition.python_name)


def _value_writer(
    schema: Schema,
    of_type: GraphQLOutputType,
    read: Callable[[Any], Any],
    selection: FieldNode,
    used: list[tuple[str, str]],
) -> Write | None:
    leaf = _leaf_type(of_type)
    if leaf is not None:
        return _serialised(lambda source, _awaited: read(source), of_type, leaf)
    nullable = not isinstance(of_type, GraphQLNonNull)
    inner = of_type.of_type if isinstance(of_type, GraphQLNonNull) else of_type
    if isinstance(inner, GraphQLObjectType):
        fields = _object_fields(schema, inner, selection.selection_set, used)
        if fields is None:
            return None
        write_object = _object_writer(fields, nullable)
        return lambda source, awaited: write_object(read(source), awaited)
    if isinstance(inner, GraphQLList):
        item_type = inner.of_type
        if not isinstance(item_type, GraphQLNonNull) or not isinstance(
            item_type.of_type, GraphQLObjectType
        ):
            return None
        fields = _object_fields(schema, item_type.of_type, selection.selection_set, used)
        if fields is None:
            return None
        write_item = _object_writer(fields, nullable=False)

        def write_list(source: Any, awaited: Mapping[tuple[str, str], Any]) -> Any:
            items = read(source)
            if items is None:
                if nullable:
                    return None
                raise _Fallback
            return [write_item(item, awaited) for item in items]

        return write_list
    return None


def _object_writer(
    fields: tuple[tuple[str, Write], ...], nullable: bool
) -> Callable[[Any, Mapping[tuple[str, str], Any]], Any]:
    def write(value: Any, awaited: Mapping[tuple[str, str], Any]) -> Any:
        if value is None:
            if nullable:
                return None
            raise _Fallback  # graphql-core reports the null, located
        return {key: write_field(value, awaited) for key, write_field in fields}

    return write


def _leaf_type(of_type: GraphQLOutputType) -> GraphQLScalarType | GraphQLEnumType | None:
    inner = of_type.of_type if isinstance(of_type, GraphQLNonNull) else of_type
    return inner if isinstance(inner, GraphQLScalarType | GraphQLEnumType) else None


def _serialised(
    read: Write, of_type: GraphQLOutputType, leaf: GraphQLScalarType | GraphQLEnumType
) -> Write:
    serialize = fast_serializer(leaf)
    nullable = not isinstance(of_type, GraphQLNonNull)

    def write(source: Any, awaited: Mapping[tuple[str, str], Any]) -> Any:
        value = read(source, awaited)
        if value is None:
            if nullable:
                return None
            raise _Fallback  # graphql-core reports the null, located
        return serialize(value)

    return write


def _constant(value: str) -> Write:
    return lambda _source, _awaited: value

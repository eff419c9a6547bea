"""Registry pages answered without running GraphQL: a plan compiled once per document.

The registry screen sends one shape of document over and over: a page of a queue's
hooks (`queueHooks`) with plain fields of each hook and its flow schema, cursors,
page flags and the total. Run through Strawberry and graphql-core, each request
pays for work that depends only on the document (extensions, argument conversion,
a resolver call and a completion per field), several times the cost of the rows.

So for a valid document of that shape a plan is made once (`_plan`, cached by the
document's text): the operation, its cost formula, and the Python functions that
write the selection, generated from it once (`_WriterSource`, as graphql-jit does):
for every selected field where its value comes from and how it is serialised, in
the response's key order, as one dict literal per object.
A request then does what execution would, minus the per-field machinery:

1. coerces its variables against the operation (graphql-core's own function);
2. checks the cost limit with the same formula the CostLimit extension evaluates;
3. reads the page through `hook_page`, the function the `queueHooks` resolver
   uses, which checks the `queues:read` permission, scopes by tenant, and
   validates the page arguments and cursors (app/core/pagination.py);
4. writes the JSON from the Strawberry objects the resolver would have returned,
   through the schema's own serialisers (app/graphql/leaves.py).

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
from keyword import iskeyword
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
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

from app.core.identity import Principal
from app.core.settings import Settings
from app.graphql.core_schema import core_schema
from app.graphql.hooks.queries import hook_page
from app.graphql.hooks.types import (
    QueueHookFilter,
    QueueHookOrder,
)
from app.graphql.ids import pk_of
from app.graphql.leaves import fast_serializer, serialized_as_is
from app.graphql.limits import OperationCost, operation_cost
from app.graphql.relay import RowFields, connection_of
from app.graphql.schema import Schema
from app.services.hooks import HookRow
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


# Writes a selection: from the object holding it and the page's awaited values, to its
# JSON value.
Write = Callable[[Any, Mapping[tuple[str, str], Any]], dict[str, Any]]


@dataclass(frozen=True, slots=True)
class PagePlan:
    operation_cost: OperationCost
    cost_limit: int
    schema: GraphQLSchema
    root: FieldNode
    root_field: GraphQLField
    # Writes the connection's selection, in the response's order (see _WriterSource).
    write: Write
    source: str
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
        # Nodes stay rows: the types made from rows read them (`_row_fields`).
        return self.write(connection_of(page, _as_row), awaited)


def _as_row(row: HookRow) -> HookRow:
    return row


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
    writer = _writer(connection_type, root.selection_set)
    if writer is None:
        return None
    return PagePlan(
        operation_cost=cost,
        cost_limit=schema.limits.cost,
        schema=core,
        root=root,
        root_field=root_field,
        write=writer.compiled(),
        source=writer.text(),
        page_values=tuple(dict.fromkeys(writer.page_values)),
    )


def _writer(
    connection_type: GraphQLObjectType, selection_set: SelectionSetNode | None
) -> "_WriterSource | None":
    source = _WriterSource()
    root = source.object_function(connection_type, selection_set)
    if root is None:
        return None
    source.root = root
    return source


class _WriterSource:
    """The Python source of the functions that write one document's page, made once
    per document: one function per selected object, returning a dict literal.

    For `edges { cursor node { id event } }` under the connection it reads:

        def _write_1_QueueHook(source, awaited):
            return {
                'id': (_c2(v) if (v := source.id) is not None else _null()),
                'event': (_c3(v) if (v := source.event) is not None else _null()),
            }

        def _write_2_QueueHookEdge(source, awaited):
            return {
                'cursor': (_c1(v) if (v := source.cursor) is not None else _null()),
                'node': (_write_1_QueueHook(v, awaited) if (v := source.node) ...),
            }

    Each leaf is read as Strawberry's default resolver reads it (the attribute of the
    field's Python name) and serialised by the leaf type (`fast_serializer`); a
    PAGE_VALUES field is taken from `awaited`. A null where the schema says non-null
    raises _Fallback (`_null`), so graphql-core reports it, located. Only names made
    here appear in the source: response keys are GraphQL names (the parser admits
    nothing else), attributes are Python identifiers from the schema, and every other
    value (serialisers, page-value keys) is bound by name in `names`.
    """

    def __init__(self) -> None:
        self.names: dict[str, Any] = {"_null": _null}
        self.functions: list[str] = []
        self.page_values: list[tuple[str, str]] = []
        self.root = ""

    def compiled(self) -> Write:
        namespace = dict(self.names)
        # Only names made here are in the text: see the class doc.
        exec(compile(self.text(), "<page plan>", "exec"), namespace)
        written: Write = namespace[self.root]
        return written

    def text(self) -> str:
        return "\n\n".join(self.functions)

    def bind(self, value: Any) -> str:
        """A name for `value` in the generated functions."""
        name = f"_c{len(self.names)}"
        self.names[name] = value
        return name

    def object_function(
        self, object_type: GraphQLObjectType, selection_set: SelectionSetNode | None
    ) -> str | None:
        """The name of a function writing this selection of an object, or None if any
        selected field needs the general path. Only plain fields: no aliases,
        directives, arguments, fragments or repeats (graphql-core would merge those;
        the plan does not try)."""
        if selection_set is None:
            return None
        entries: list[str] = []
        seen: set[str] = set()
        for selection in selection_set.selections:
            if not isinstance(selection, FieldNode):
                return None
            if selection.alias or selection.directives or selection.arguments:
                return None
            name = selection.name.value
            if name in seen or not name.isidentifier():
                return None
            seen.add(name)
            if name == "__typename":
                value: str | None = repr(object_type.name)
            else:
                value = self.field_expression(object_type, name, selection)
            if value is None:
                return None
            entries.append(f"        {name!r}: {value},")
        function = f"_write_{len(self.functions)}_{object_type.name}"
        body = "\n".join(entries)
        self.functions.append(f"def {function}(source, awaited):\n    return {{\n{body}\n    }}")
        return function

    def field_expression(
        self, object_type: GraphQLObjectType, name: str, selection: FieldNode
    ) -> str | None:
        field = object_type.fields.get(name)
        if field is None:
            return None
        key = (object_type.name, name)
        attribute = _attribute_name(field)
        row_fields = _row_fields(object_type)
        if key in PAGE_VALUES:
            if _leaf_type(field.type) is None:
                return None
            self.page_values.append(key)
            read = f"awaited[{self.bind(key)}]"
        elif attribute is None:
            return None
        elif row_fields is not None:  # the source is a row: the type says how to read it
            if attribute not in row_fields:
                return None
            read = f"{self.bind(row_fields[attribute])}(source)"
        else:
            read = f"source.{attribute}"
        return self.value_expression(read, field.type, selection)

    def value_expression(
        self, read: str, of_type: GraphQLOutputType, selection: FieldNode
    ) -> str | None:
        """`read`'s value written as `of_type` says, with its null check."""
        nullable = not isinstance(of_type, GraphQLNonNull)
        inner = of_type.of_type if isinstance(of_type, GraphQLNonNull) else of_type
        if isinstance(inner, GraphQLScalarType | GraphQLEnumType):
            written = f"{self.bind(fast_serializer(inner))}(v)"
            as_is = serialized_as_is(inner)
            if as_is is not None:  # most leaves: no call at all
                written = f"(v if type(v) is {self.bind(as_is)} else {written})"
        elif isinstance(inner, GraphQLObjectType):
            function = self.object_function(inner, selection.selection_set)
            if function is None:
                return None
            written = f"{function}(v, awaited)"
        elif isinstance(inner, GraphQLList):
            item_type = inner.of_type
            if not isinstance(item_type, GraphQLNonNull) or not isinstance(
                item_type.of_type, GraphQLObjectType
            ):
                return None
            function = self.object_function(item_type.of_type, selection.selection_set)
            if function is None:
                return None
            written = f"[{function}(item, awaited) if item is not None else _null() for item in v]"
        else:
            return None
        if nullable:
            return f"(None if (v := {read}) is None else {written})"
        return f"({written} if (v := {read}) is not None else _null())"


def _null() -> Any:
    raise _Fallback  # graphql-core reports a null in a non-null field, located


def _attribute_name(field: GraphQLField) -> str | None:
    """The attribute Strawberry's default resolver reads for a field without a
    resolver of its own, or None for any other field."""
    definition = (field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if not isinstance(definition, StrawberryField) or field.args:
        return None
    if not definition.is_basic_field or definition.default_resolver is not getattr:
        return None
    name = definition.python_name
    return name if name.isidentifier() and not iskeyword(name) else None


def _row_fields(object_type: GraphQLObjectType) -> RowFields | None:
    """How the Strawberry type behind `object_type` reads its fields from a row, if it
    is made from one (app/graphql/relay.py: Node.row_fields)."""
    definition = (object_type.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    origin = getattr(definition, "origin", None)
    row_fields = getattr(origin, "row_fields", None)
    return row_fields if isinstance(row_fields, dict) else None


def _leaf_type(of_type: GraphQLOutputType) -> GraphQLScalarType | GraphQLEnumType | None:
    inner = of_type.of_type if isinstance(of_type, GraphQLNonNull) else of_type
    return inner if isinstance(inner, GraphQLScalarType | GraphQLEnumType) else None

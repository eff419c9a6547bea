"""Limits on what one operation may ask for: depth, aliases, tokens and cost.

The cost counts the fields an operation can return: every field costs 1, and a
field with `first`/`last` multiplies what is below it by the page size that will
run: the literal, or the variable's value as sent (its default when not sent),
the default page (10) when none is given, never more than the largest page (100).

Validation is cached per document, but variables differ per request, so the cost
cannot be a validation rule: a document's cost is kept as a formula, made once per
document and operation (cached as validation is), and evaluated against each
request's coerced variables before anything runs (`CostLimit`, a schema extension,
so every transport that executes through the schema gets it).
"""

from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    get_operation_ast,
)
from graphql.execution.values import get_variable_values
from strawberry.extensions import SchemaExtension

from app.core.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from app.graphql.core_schema import core_schema

# Past 2**53 - 1 a JSON client cannot read the number exactly (and orjson cannot
# write one past 64 bits); anything that large is refused anyway, so the sum
# saturates here instead of growing a huge integer.
CEILING = 2**53 - 1


@dataclass(frozen=True, slots=True)
class PageSize:
    """Where a list field's page size comes from: a literal, a variable, or neither."""

    literal: int | None = None
    variable: str | None = None


@dataclass(frozen=True, slots=True)
class Formula:
    """The cost of one selection set: `fields` plus, per field with a selection,
    its page size (None: 1) times the cost below it, plus the named fragments
    spread into it (evaluated once each, however often they are spread)."""

    fields: int
    nested: tuple[tuple[PageSize | None, "Formula"], ...]
    fragments: tuple[str, ...]


EMPTY = Formula(0, (), ())


@dataclass(frozen=True, slots=True)
class OperationCost:
    """One operation's cost, waiting for its variables."""

    operation: OperationDefinitionNode
    formula: Formula
    fragments: Mapping[str, Formula]

    def evaluate(self, variables: Mapping[str, Any]) -> int:
        def size(page: PageSize | None) -> int:
            if page is None:
                return 1
            value = page.literal
            if page.variable is not None:
                value = variables.get(page.variable)
            if value is None:
                return DEFAULT_PAGE_SIZE
            return max(0, min(value, MAX_PAGE_SIZE))

        done: dict[str, int] = {}

        def total(formula: Formula) -> int:
            cost = formula.fields
            for page, below in formula.nested:
                cost = min(CEILING, cost + min(CEILING, size(page) * total(below)))
            for name in formula.fragments:
                if name not in done:
                    done[name] = 0  # a cycle (validation refuses those) adds nothing
                    done[name] = total(self.fragments.get(name, EMPTY))
                cost = min(CEILING, cost + done[name])
            return cost

        return total(self.formula)


def operation_cost(
    schema: GraphQLSchema, document: DocumentNode, operation_name: str | None
) -> OperationCost | None:
    """The cost formula of the operation a request runs; None if there is none."""
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return None
    root = _root_type(schema, operation.operation)
    fragments: dict[str, Formula] = {}
    for definition in document.definitions:
        if isinstance(definition, FragmentDefinitionNode):
            target = schema.get_type(definition.type_condition.name.value)
            fragments[definition.name.value] = _formula(definition.selection_set, target, schema)
    return OperationCost(operation, _formula(operation.selection_set, root, schema), fragments)


def _root_type(schema: GraphQLSchema, operation: OperationType) -> GraphQLObjectType | None:
    if operation is OperationType.QUERY:
        return schema.query_type
    if operation is OperationType.MUTATION:
        return schema.mutation_type
    return schema.subscription_type


def _formula(selection_set: SelectionSetNode | None, parent: Any, schema: GraphQLSchema) -> Formula:
    # A union's members are reached through fragments (a mutation's result, a change).
    if selection_set is None or not isinstance(
        parent, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType
    ):
        return EMPTY
    fields = 0
    nested: list[tuple[PageSize | None, Formula]] = []
    fragments: list[str] = []
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            field = getattr(parent, "fields", {}).get(selection.name.value)
            if field is None:
                continue  # __typename, or a field validation has refused
            fields += 1
            below = _formula(selection.selection_set, get_named_type(field.type), schema)
            if below != EMPTY:
                nested.append((_page_size(selection, field.args), below))
        elif isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition
            target = schema.get_type(condition.name.value) if condition else parent
            inline = _formula(selection.selection_set, target, schema)
            fields += inline.fields
            nested.extend(inline.nested)
            fragments.extend(inline.fragments)
        elif isinstance(selection, FragmentSpreadNode):
            fragments.append(selection.name.value)
    return Formula(fields, tuple(nested), tuple(fragments))


def _page_size(node: FieldNode, args: Mapping[str, Any]) -> PageSize | None:
    if "first" not in args and "last" not in args:
        return None
    for argument in node.arguments or ():
        if argument.name.value not in ("first", "last"):
            continue
        value = argument.value
        if isinstance(value, VariableNode):
            return PageSize(variable=value.name.value)
        if isinstance(value, IntValueNode):
            return PageSize(literal=int(value.value))
        return PageSize()  # null: the default page
    return PageSize()


class FormulaCache:
    """Cost formulas by (document text, operation name), least recently used out."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._entries: OrderedDict[tuple[str, str | None], OperationCost | None] = OrderedDict()

    def get(
        self,
        query: str | None,
        operation_name: str | None,
        make: Callable[[], OperationCost | None],
    ) -> OperationCost | None:
        if query is None:
            return make()
        key = (query, operation_name)
        if key in self._entries:
            self._entries.move_to_end(key)
            return self._entries[key]
        found = self._entries[key] = make()
        if len(self._entries) > self.maxsize:
            self._entries.popitem(last=False)
        return found


def too_costly(cost: int, limit: int, operation: OperationDefinitionNode) -> GraphQLError:
    shown = f"{cost}" if cost < CEILING else f"more than {CEILING}"
    return GraphQLError(
        f"the operation may return {shown} fields, more than the limit of "
        f"{limit}; ask for smaller pages or fewer nested lists",
        operation,
        extensions={"code": "QUERY_TOO_COSTLY", "cost": cost, "limit": limit},
    )


def cost_refusal(
    schema: GraphQLSchema,
    formulas: FormulaCache,
    limit: int,
    *,
    query: str | None,
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
) -> GraphQLError | None:
    """QUERY_TOO_COSTLY for this request's variables; None if within the limit, or if
    the variables do not coerce (execution then reports them, and nothing runs)."""
    cost = formulas.get(
        query, operation_name, lambda: operation_cost(schema, document, operation_name)
    )
    if cost is None:
        return None
    coerced = get_variable_values(
        schema, cost.operation.variable_definitions or (), dict(variables or {}), max_errors=1
    )
    if isinstance(coerced, list):
        return None
    value = cost.evaluate(coerced.coerced)
    return too_costly(value, limit, cost.operation) if value > limit else None


def variable_and_cost_errors(
    schema: GraphQLSchema,
    formulas: FormulaCache,
    limit: int,
    *,
    query: str,
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any],
) -> list[GraphQLError]:
    """What execution would refuse a valid document with before running it: its
    variables (BAD_USER_INPUT, as ClassifyErrors codes them) and its cost. For
    transports that check an operation before running it their own way."""
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return []
    coerced = get_variable_values(
        schema, operation.variable_definitions or (), dict(variables), max_errors=50
    )
    if isinstance(coerced, list):
        return [
            GraphQLError(
                e.message, e.nodes, extensions={**(e.extensions or {}), "code": "BAD_USER_INPUT"}
            )
            for e in coerced
        ]
    refusal = cost_refusal(
        schema, formulas, limit, query=query, document=document,
        operation_name=operation_name, variables=variables,
    )  # fmt: skip
    return [refusal] if refusal is not None else []


def cost_limit(limit: int, formulas: FormulaCache) -> Callable[[], SchemaExtension]:
    """A factory for the extension refusing costly operations before they execute."""

    class CostLimit(SchemaExtension):
        def on_execute(self) -> Iterator[None]:
            context = self.execution_context
            if context.graphql_document is not None:
                refusal = cost_refusal(
                    core_schema(context.schema),
                    formulas,
                    limit,
                    query=context.query,
                    document=context.graphql_document,
                    operation_name=context.operation_name,
                    variables=context.variables,
                )
                if refusal is not None:
                    # Strawberry turns an error raised here into the result, unexecuted.
                    raise refusal
            yield

    return CostLimit

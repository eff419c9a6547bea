"""A faster way through graphql-core for the plain parts of a result.

Most of a registry page is plain data: ids, enums, booleans, strings, times read
straight off an object. graphql-core completes every one of them through the
general path (a ResolveInfo object, the resolver, completion by type), which cost
more than the database query on a 20-row page. For a basic Strawberry field (an
attribute read: no resolver, no permission classes or other field extensions) with
no arguments and a scalar or enum type, this context reads and serialises the
value directly. An object whose selected
fields are all such leaves or such objects (a page's edges, hooks, flow schemas)
is completed in one pass from a plan made once per selection and request,
without graphql-core's per-field bookkeeping. Anything else, and any value that
would need an error (a null in a non-null field, a failed serialisation, a wrong
type), takes graphql-core's own path, so results and errors are the same.
"""

from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter
from typing import Any, TypeVar

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLType,
)
from graphql.execution.collect_fields import FieldDetailsList
from graphql.pyutils import AwaitableOrValue, Path, UndefinedType
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

from app.graphql.leaves import fast_serializer


@dataclass(frozen=True, slots=True)
class _Leaf:
    resolve: Callable[..., Any]
    serialize: Callable[[Any], Any]
    nullable: bool


_NOT_A_LEAF: Any = object()
_leaves: dict[int, Any] = {}


def _leaf(field: GraphQLField) -> _Leaf | None:
    found = _leaves.get(id(field))
    if found is None:
        found = _leaves[id(field)] = _classify(field) or _NOT_A_LEAF
    return None if found is _NOT_A_LEAF else found


def _reader(field: GraphQLField) -> Callable[..., Any] | None:
    """How to read a field that Strawberry resolves by attribute, or None.

    Only a basic field (no resolver, no field extension: `permission_classes` are
    one) may skip Strawberry's resolver; anything else runs its checks there.
    """
    if field.args:
        return None
    definition = (field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if not isinstance(definition, StrawberryField) or not definition.is_basic_field:
        return None
    if definition.default_resolver is getattr and definition.python_name:
        read = attrgetter(definition.python_name)  # Strawberry's basic resolver, minus calls
        return lambda source, _info: read(source)
    return field.resolve


def _unwrapped(of_type: GraphQLType) -> tuple[GraphQLType, bool]:
    """The type inside a non-null wrapper, and whether a null is allowed."""
    if isinstance(of_type, GraphQLNonNull):
        return of_type.of_type, False
    return of_type, True


def _classify(field: GraphQLField) -> _Leaf | None:
    resolve = _reader(field)
    if resolve is None:
        return None
    of_type, nullable = _unwrapped(field.type)
    if not isinstance(of_type, GraphQLScalarType | GraphQLEnumType):
        return None
    return _Leaf(resolve=resolve, serialize=fast_serializer(of_type), nullable=nullable)


class _Fallback(Exception):
    """Leave this object to graphql-core's general path."""


@dataclass(frozen=True, slots=True)
class _PlannedObject:
    """A field holding an object, or a list of objects, that can be completed by plan."""

    resolve: Callable[..., Any]
    object_type: GraphQLObjectType
    nullable: bool
    plan: "_Plan"
    is_list: bool = False
    items_nullable: bool = False


# (response name, "leaf" | "object" | "typename", what it needs)
_Plan = list[tuple[str, str, Any]]
_Given = TypeVar("_Given")
_Made = TypeVar("_Made")


class FastLeavesExecutionContext(StrawberryGraphQLCoreExecutionContext):
    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: FieldDetailsList,
        path: Path,
        position_context: Any,
    ) -> AwaitableOrValue[Any] | UndefinedType:
        # A plain leaf, or a plannable object or list under a parent that is not
        # (a connection's `edges` and `nodes` beside its async `totalCount`).
        node = field_details_list[0].node
        field = parent_type.fields.get(node.name.value)
        if field is not None and not node.arguments and not self._middleware:
            try:
                leaf = _leaf(field)
                if leaf is not None:
                    return _read_leaf(leaf, source)
                planned = self._field_plan(field, field_details_list)
                if planned is not None:
                    return _complete(planned, source)
            except _Fallback:
                pass
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )

    def _field_plan(self, field: GraphQLField, field_details_list: Any) -> _PlannedObject | None:
        return self._memoised("_field_plans", field_details_list, self._plan_object, field)

    def _memoised(
        self, cache: str, selection: Any, make: Callable[[_Given, Any], _Made], first: _Given
    ) -> _Made:
        """`make(first, selection)`, once per selection of this (cached) document."""
        # Each cache is filled by one `make`: its plans are what that `make` makes.
        plans: dict[int, tuple[Any, _Made]] = self.__dict__.setdefault(cache, {})
        key = id(selection)
        if key not in plans:
            # Keep the selection alive with its plan: ids are reused after collection.
            plans[key] = (selection, make(first, selection))
        return plans[key][1]

    @property
    def _middleware(self) -> bool:
        manager = self.middleware_manager
        return bool(manager is not None and getattr(manager, "middlewares", None))

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: Any,
        position_context: Any,
    ) -> AwaitableOrValue[dict[str, Any]]:
        plan = self._plan_for(parent_type, grouped_field_set)
        if plan is not None:
            try:
                return _run(plan, source_value, parent_type)
            except _Fallback:
                pass
        return super().execute_fields(
            parent_type, source_value, path, grouped_field_set, position_context
        )

    def _plan_for(self, parent_type: GraphQLObjectType, grouped_field_set: Any) -> _Plan | None:
        return self._memoised("_fast_plans", grouped_field_set, self._make_plan, parent_type)

    def _make_plan(self, parent_type: GraphQLObjectType, grouped_field_set: Any) -> _Plan | None:
        if self._middleware:
            return None
        plan: _Plan = []
        for response_name, field_details_list in grouped_field_set.items():
            node = field_details_list[0].node
            if node.arguments:
                return None
            if node.name.value == "__typename":
                plan.append((response_name, "typename", None))
                continue
            field = parent_type.fields.get(node.name.value)
            if field is None:
                return None
            leaf = _leaf(field)
            if leaf is not None:
                plan.append((response_name, "leaf", leaf))
                continue
            planned = self._plan_object(field, field_details_list)
            if planned is None:
                return None
            plan.append((response_name, "object", planned))
        return plan

    def _plan_object(self, field: GraphQLField, field_details_list: Any) -> _PlannedObject | None:
        resolve = _reader(field)
        if resolve is None:
            return None
        of_type, nullable = _unwrapped(field.type)
        is_list = isinstance(of_type, GraphQLList)
        items_nullable = False
        if isinstance(of_type, GraphQLList):
            of_type, items_nullable = _unwrapped(of_type.of_type)
        if not isinstance(of_type, GraphQLObjectType):
            return None
        grouped, defer_usages, _ = self.collect_subfields(of_type, field_details_list)
        if defer_usages:
            return None
        sub_plan = self._plan_for(of_type, grouped)
        if sub_plan is None:
            return None
        return _PlannedObject(resolve, of_type, nullable, sub_plan, is_list, items_nullable)


def _run(plan: _Plan, source: Any, parent_type: GraphQLObjectType) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for response_name, kind, needs in plan:
        if kind == "leaf":
            result[response_name] = _read_leaf(needs, source)
        elif kind == "object":
            result[response_name] = _complete(needs, source)
        else:
            result[response_name] = parent_type.name
    return result


def _read_leaf(leaf: _Leaf, source: Any) -> Any:
    """The serialised value; _Fallback for anything that needs graphql-core's errors."""
    try:
        value = leaf.resolve(source, None)
        if value is None:
            if leaf.nullable:
                return None
            raise _Fallback
        return leaf.serialize(value)
    except _Fallback:
        raise
    except Exception as error:  # the general path reports it, located
        raise _Fallback from error


def _complete(needs: _PlannedObject, source: Any) -> Any:
    value = needs.resolve(source, None)
    if value is None:
        if not needs.nullable:
            raise _Fallback
        return None
    if not needs.is_list:
        return _object(needs, value)
    if isinstance(value, str | bytes | dict) or not hasattr(value, "__iter__"):
        raise _Fallback
    items: list[dict[str, Any] | None] = []
    for item in value:
        if item is None:
            if not needs.items_nullable:
                raise _Fallback
            items.append(None)
        else:
            items.append(_object(needs, item))
    return items


def _object(needs: _PlannedObject, value: Any) -> dict[str, Any]:
    object_type = needs.object_type
    # Strawberry's is_type_of looks at the value only, never at the info.
    if object_type.is_type_of is not None and not object_type.is_type_of(value, None):  # type: ignore[arg-type]
        raise _Fallback
    return _run(needs.plan, value, object_type)

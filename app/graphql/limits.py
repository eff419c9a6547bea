"""Limits on what one operation may ask for: depth, aliases, tokens and cost.

The cost counts the fields an operation can return: every field costs 1, and a
field with `first`/`last` multiplies what is below it by that page size (the
largest page, 100, when the size comes from a variable without a default, and
the default page, 10, when it is not given). It is a validation rule, so it
runs once per document (validation is cached) and refuses before anything runs.
"""

from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
    VariableNode,
    get_named_type,
)

from app.core.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE


def cost_rule(limit: int) -> type[ValidationRule]:
    class CostLimit(ValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            context: ValidationContext = self.context
            root = _root_type(context.schema, node.operation)
            if root is None:
                return
            fragments = {
                d.name.value: d
                for d in context.document.definitions
                if isinstance(d, FragmentDefinitionNode)
            }
            defaults = {
                v.variable.name.value: v.default_value for v in node.variable_definitions or ()
            }
            cost = _cost(node.selection_set, root, context.schema, fragments, defaults, set())
            if cost > limit:
                context.report_error(
                    GraphQLError(
                        f"the operation may return {cost} fields, more than the limit of "
                        f"{limit}; ask for smaller pages or fewer nested lists",
                        node,
                        extensions={"code": "QUERY_TOO_COSTLY", "cost": cost, "limit": limit},
                    )
                )

    return CostLimit


def _root_type(schema: GraphQLSchema, operation: OperationType) -> GraphQLObjectType | None:
    if operation is OperationType.QUERY:
        return schema.query_type
    if operation is OperationType.MUTATION:
        return schema.mutation_type
    return schema.subscription_type


def _cost(
    selection_set: SelectionSetNode | None,
    parent: Any,
    schema: GraphQLSchema,
    fragments: dict[str, FragmentDefinitionNode],
    defaults: dict[str, Any],
    visiting: set[str],
) -> int:
    if selection_set is None or not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
        return 0
    total = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            field = parent.fields.get(selection.name.value)
            if field is None:
                continue  # __typename, or a field validation will reject anyway
            child = get_named_type(field.type)
            below = _cost(selection.selection_set, child, schema, fragments, defaults, visiting)
            total += 1 + _page_size(selection, field.args, defaults) * below
        elif isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition
            target = schema.get_type(condition.name.value) if condition else parent
            total += _cost(selection.selection_set, target, schema, fragments, defaults, visiting)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments.get(name)
            if fragment is None or name in visiting:
                continue
            target = schema.get_type(fragment.type_condition.name.value)
            total += _cost(
                fragment.selection_set, target, schema, fragments, defaults, visiting | {name}
            )
    return total


def _page_size(node: FieldNode, args: dict[str, Any], defaults: dict[str, Any]) -> int:
    if "first" not in args and "last" not in args:
        return 1
    for argument in node.arguments or ():
        if argument.name.value not in ("first", "last"):
            continue
        value: Any = argument.value
        if isinstance(value, VariableNode):
            value = defaults.get(value.name.value)
            if value is None:
                return MAX_PAGE_SIZE
        if isinstance(value, IntValueNode):
            return max(0, min(int(value.value), MAX_PAGE_SIZE))
        return MAX_PAGE_SIZE
    return DEFAULT_PAGE_SIZE

"""The GraphQL enums say what the domain enums say: the same members, the same
values, and the domain's wording as their descriptions."""

from enum import Enum

import pytest
from graphql import GraphQLEnumType, build_schema

from app.core.errors import ErrorCode as DomainErrorCode
from app.graphql import enums
from app.graphql.hooks.subscriptions import QueueHookChangeKind
from app.graphql.hooks.types import QueueHookOrderField
from app.models.enums import (
    FLOW_SCHEMA_TYPE_WORDING,
    QUEUE_HOOK_EVENT_WORDING,
    ChangeKind,
    FlowSchemaType,
    QueueHookEvent,
    QueueType,
)
from app.repositories.hooks import HookSort
from tests.graphql.client import SCHEMA

SDL = build_schema(SCHEMA.as_str())

SAME_VALUES: list[tuple[type[Enum], type[Enum]]] = [
    (enums.QueueHookEvent, QueueHookEvent),
    (enums.FlowSchemaType, FlowSchemaType),
    (enums.QueueType, QueueType),
    (enums.ErrorCode, DomainErrorCode),
]


@pytest.mark.parametrize(("api", "domain"), SAME_VALUES, ids=lambda e: e.__name__)
def test_an_api_enum_has_the_domains_members_and_values(
    api: type[Enum], domain: type[Enum]
) -> None:
    assert {m.name: m.value for m in api} == {m.name: m.value for m in domain}


def test_change_kinds_are_the_domains_but_the_queues_own_end() -> None:
    # A queue's deletion ends the stream (`complete`); it is no change to a hook.
    hook_kinds = {m.name: m.value for m in ChangeKind if m is not ChangeKind.QUEUE_DELETED}
    api_kinds: dict[str, object] = {m.name: m.value for m in QueueHookChangeKind}

    assert api_kinds == hook_kinds


def test_every_sort_order_maps_to_a_domain_sort() -> None:
    assert {m.to_domain() for m in QueueHookOrderField} == set(HookSort)


@pytest.mark.parametrize(
    ("name", "wording"),
    [("QueueHookEvent", QUEUE_HOOK_EVENT_WORDING), ("FlowSchemaType", FLOW_SCHEMA_TYPE_WORDING)],
)
def test_an_enums_descriptions_are_the_domains_wording(name: str, wording: object) -> None:
    api = SDL.type_map[name]
    assert isinstance(api, GraphQLEnumType)
    assert isinstance(wording, type(QUEUE_HOOK_EVENT_WORDING))

    described = {value_name: value.description for value_name, value in api.values.items()}

    assert described == {member.name: said.description for member, said in wording.items()}

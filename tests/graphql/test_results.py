"""A mutation's result union decides which domain errors it answers; anything else
stays a top-level error."""

from typing import Annotated

import pytest
import strawberry

from app.core import errors as domain
from app.graphql.errors import (
    DuplicateEnabledEventError,
    Error,
    FlowSchemaInUseError,
    FlowSchemaNotAllowedError,
    InvalidInputError,
    NotFoundError,
    VersionConflictError,
)
from app.graphql.ids import SentIds
from app.graphql.results import result_of
from app.models import FlowSchemaType, QueueHookEvent
from tests.graphql.client import gid


@strawberry.type
class Done:
    pk: int


DoneOrNotFound = Annotated[Done | NotFoundError, strawberry.union("DoneOrNotFound")]


async def test_the_work_s_value_is_the_result() -> None:
    async def work(_: SentIds) -> Done:
        return Done(pk=7)

    assert await result_of(DoneOrNotFound, work) == Done(pk=7)


async def test_a_declared_domain_error_is_its_member_named_by_the_ids_sent() -> None:
    sent_id = gid("Queue", 42)

    async def work(sent: SentIds) -> Done:
        pk = sent.pk(sent_id, "Queue")
        assert pk is not None
        raise domain.NotFound("queue", [pk])

    result = await result_of(DoneOrNotFound, work)

    assert isinstance(result, NotFoundError)
    assert result.ids == [sent_id]
    assert result.message == f"queue not found: {sent_id}"


async def test_a_domain_error_the_union_does_not_declare_is_raised() -> None:
    async def work(_: SentIds) -> Done:
        raise domain.InvalidInput("name", "name must not be empty")

    with pytest.raises(domain.InvalidInput, match="name must not be empty"):
        await result_of(DoneOrNotFound, work)


async def test_errors_that_are_no_domain_outcome_are_raised() -> None:
    async def work(_: SentIds) -> Done:
        raise domain.PermissionDenied("queues:write")

    with pytest.raises(domain.PermissionDenied):
        await result_of(DoneOrNotFound, work)


EVERY_DOMAIN_ERROR: list[domain.DomainError] = [
    domain.NotFound("queue", [1]),
    domain.InvalidInput("name", "too long"),
    domain.DuplicateEnabledEvent(QueueHookEvent.MISSED, 3),
    domain.VersionConflict(3, 2),
    domain.FlowSchemaInUse(2),
    domain.FlowSchemaNotAllowed(FlowSchemaType.VOICE, [FlowSchemaType.SERVICE]),
]
DoneOrAnyError = Annotated[
    Done
    | NotFoundError
    | InvalidInputError
    | DuplicateEnabledEventError
    | VersionConflictError
    | FlowSchemaInUseError
    | FlowSchemaNotAllowedError,
    strawberry.union("DoneOrAnyError"),
]


@pytest.mark.parametrize("error", EVERY_DOMAIN_ERROR, ids=lambda e: type(e).__name__)
async def test_every_domain_error_has_a_graphql_type(error: domain.DomainError) -> None:
    async def work(_: SentIds) -> Done:
        raise error

    result = await result_of(DoneOrAnyError, work)

    assert isinstance(result, Error)
    assert result.code.name == error.code.name


def test_every_domain_error_is_listed_above() -> None:
    assert {type(e) for e in EVERY_DOMAIN_ERROR} == set(domain.DomainError.__subclasses__())

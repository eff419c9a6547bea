"""A mutation's result: what its work returned, or the member of its result union
that stands for the domain error the work raised.

The union is the one list of a mutation's expected failures: `result_of` answers
exactly the domain errors whose GraphQL type the union declares, and lets any other
propagate as a top-level error (an undeclared member would fail type resolution
after the write, far from its cause).
"""

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Annotated, TypeVar, cast, get_args, get_origin

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

if TYPE_CHECKING:
    # Only for mypy, which checks the work's success type against the union's;
    # at run time the union is read with typing.get_args.
    from typing_extensions import TypeForm

R = TypeVar("R")


async def result_of(union: "TypeForm[R]", work: Callable[[SentIds], Awaitable[R]]) -> R:
    """Run `work` with the ids its mutation reads; a domain error it raises becomes the
    member of `union` for that error, named by the ids the client sent."""
    sent = SentIds()
    try:
        return await work(sent)
    except domain.DomainError as error:
        answer = _error_type(error, sent)
        if not isinstance(answer, _members(union)):
            raise
        return cast("R", answer)  # a member of the union, just checked


def _members(union: object) -> tuple[type, ...]:
    if get_origin(union) is Annotated:  # Annotated[A | B, strawberry.union(...)]
        union = get_args(union)[0]
    return get_args(union)


def _error_type(error: domain.DomainError, sent: SentIds) -> Error:
    """The GraphQL type of each domain error of app/core/errors.py."""
    match error:
        case domain.NotFound():
            return NotFoundError.from_domain(error, sent)
        case domain.InvalidInput():
            return InvalidInputError.from_domain(error)
        case domain.DuplicateEnabledEvent():
            return DuplicateEnabledEventError.from_domain(error)
        case domain.VersionConflict():
            return VersionConflictError.from_domain(error)
        case domain.FlowSchemaInUse():
            return FlowSchemaInUseError.from_domain(error)
        case domain.FlowSchemaNotAllowed():
            return FlowSchemaNotAllowedError.from_domain(error)
    raise error  # a new domain error: give it a GraphQL type here first

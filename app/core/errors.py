"""Domain errors, raised by services and mapped by the API layer.

Messages name enum values by their members' names (MISSED, VOICE), which the API's
enums share; they never show a database key.

Exception
├── DomainError                 an expected outcome the caller can act on
│   ├── NotFound                ids that do not exist for this tenant
│   ├── InvalidInput            a field's value breaks a rule
│   ├── DuplicateEnabledEvent   the queue already has an enabled hook for the event
│   ├── VersionConflict         the hook changed since the version the caller read
│   ├── FlowSchemaInUse         hooks still run the flow schema
│   └── FlowSchemaNotAllowed    the flow schema's type cannot run as a hook
├── NotAuthenticated            no valid identity
└── PermissionDenied            the identity lacks a permission
"""

from collections.abc import Sequence
from enum import StrEnum


class ErrorCode(StrEnum):
    NOT_FOUND = "not_found"
    INVALID_INPUT = "invalid_input"
    DUPLICATE_ENABLED_EVENT = "duplicate_enabled_event"
    VERSION_CONFLICT = "version_conflict"
    FLOW_SCHEMA_IN_USE = "flow_schema_in_use"
    FLOW_SCHEMA_NOT_ALLOWED = "flow_schema_not_allowed"


class DomainError(Exception):
    code: ErrorCode

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    """`ids` are the keys looked up. The message shows only `names`: the API names
    objects by ids of its own, which only the API layer knows (it names them again)."""

    code = ErrorCode.NOT_FOUND

    def __init__(self, entity: str, ids: Sequence[int] = (), *, names: Sequence[str] = ()) -> None:
        listed = f": {', '.join(names)}" if names else ""
        super().__init__(f"{entity} not found{listed}")
        self.entity = entity
        self.ids = list(ids)
        self.names = list(names)


class InvalidInput(DomainError):
    code = ErrorCode.INVALID_INPUT

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class DuplicateEnabledEvent(DomainError):
    code = ErrorCode.DUPLICATE_ENABLED_EVENT

    def __init__(self, event: StrEnum, enabled_hook_id: int) -> None:
        super().__init__(
            f"the queue already has an enabled hook for the event {event.name}; "
            "disable it first or save this hook disabled"
        )
        self.event = event
        self.enabled_hook_id = enabled_hook_id


class VersionConflict(DomainError):
    code = ErrorCode.VERSION_CONFLICT

    def __init__(self, hook_id: int, current_version: int) -> None:
        super().__init__(
            f"the hook was changed by someone else (now at version {current_version}); "
            "reload it and apply your change again"
        )
        self.hook_id = hook_id
        self.current_version = current_version


class FlowSchemaInUse(DomainError):
    code = ErrorCode.FLOW_SCHEMA_IN_USE

    def __init__(self, hook_count: int) -> None:
        noun = "hook uses" if hook_count == 1 else "hooks use"
        super().__init__(f"{hook_count} {noun} this flow schema; remove or change them first")
        self.hook_count = hook_count


class FlowSchemaNotAllowed(DomainError):
    code = ErrorCode.FLOW_SCHEMA_NOT_ALLOWED

    def __init__(self, flow_schema_type: StrEnum, allowed: Sequence[StrEnum]) -> None:
        super().__init__(
            f"a flow schema of type {flow_schema_type.name} cannot run as a queue hook; "
            f"allowed types: {', '.join(sorted(a.name for a in allowed))}"
        )
        self.flow_schema_type = flow_schema_type
        self.allowed = sorted(allowed, key=lambda a: a.name)


class NotAuthenticated(Exception):
    """The request carries no valid identity."""


class PermissionDenied(Exception):
    """The identity lacks the permission an operation needs."""

    def __init__(self, permission: str) -> None:
        super().__init__(f"this operation needs the '{permission}' permission")
        self.permission = permission

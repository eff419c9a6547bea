"""Domain errors, raised by services and mapped by the API layer.

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
    code = ErrorCode.NOT_FOUND

    def __init__(self, entity: str, ids: Sequence[int | str]) -> None:
        listed = ", ".join(str(i) for i in ids)
        super().__init__(f"{entity} not found: {listed}")
        self.entity = entity
        self.ids = list(ids)


class InvalidInput(DomainError):
    code = ErrorCode.INVALID_INPUT

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class DuplicateEnabledEvent(DomainError):
    code = ErrorCode.DUPLICATE_ENABLED_EVENT

    def __init__(self, event: str, enabled_hook_id: int) -> None:
        super().__init__(
            f"the queue already has an enabled hook for the event '{event}'; "
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

    def __init__(self, schema_type: str, allowed: Sequence[str]) -> None:
        super().__init__(
            f"a flow schema of type '{schema_type}' cannot run as a queue hook; "
            f"allowed types: {', '.join(allowed)}"
        )
        self.schema_type = schema_type


class NotAuthenticated(Exception):
    """The request carries no valid identity."""


class PermissionDenied(Exception):
    """The identity lacks the permission an operation needs."""

    def __init__(self, permission: str) -> None:
        super().__init__(f"this operation needs the '{permission}' permission")
        self.permission = permission

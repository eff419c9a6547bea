"""setQueueHookEnabled(replaceEnabled: true): the atomic switch of which hook is
enabled for an event. Both changes commit together and are both logged."""

from typing import Any

from app.core.identity import Permission
from app.models import QueueHook, QueueHookEvent
from app.repositories import hooks as hook_repo
from tests.factories import OTHER_TENANT, create_flow_schema, create_hook, create_queue
from tests.graphql.client import gid, ok, principal, run

HOOK = "id enabled version updatedBy event flowSchema { name }"
SWITCH = f"""
mutation($id: ID!, $on: Boolean!, $v: Int, $replace: Boolean) {{
  setQueueHookEnabled(id: $id, enabled: $on, expectedVersion: $v, replaceEnabled: $replace) {{
    __typename
    ... on SetQueueHookEnabledSuccess {{ hook {{ {HOOK} }} disabledHook {{ {HOOK} }} }}
    ... on Error {{ message code }}
    ... on VersionConflictError {{ currentVersion }}
    ... on NotFoundError {{ ids }}
    ... on DuplicateEnabledEventError {{ enabledHook {{ id flowSchema {{ name }} }} }}
  }}
}}
"""
LOG = """
query($q: ID!) { queue(id: $q) { revision changes(first: 5) { nodes {
  revision kind hookId changedBy hook { id enabled version } } } } }
"""


async def state() -> list[tuple[Any, ...]]:
    return list(
        await QueueHook.all().order_by("id").values_list("id", "enabled", "version", "updated_by")
    )


async def given_two_hooks_for_one_event(
    enabled_first: bool = True,
) -> tuple[str, QueueHook, QueueHook]:
    queue = await create_queue()
    crm = await create_flow_schema(name="CRM sync")
    sms = await create_flow_schema(name="Send SMS")
    enabled = await create_hook(queue, crm, QueueHookEvent.MISSED, enabled=enabled_first)
    candidate = await create_hook(queue, sms, QueueHookEvent.MISSED, enabled=False)
    return gid("Queue", queue.pk), enabled, candidate


async def test_the_switch_disables_the_enabled_hook_and_enables_this_one(database: str) -> None:
    queue, enabled, candidate = await given_two_hooks_for_one_event()

    data = await ok(
        SWITCH,
        {"id": gid("QueueHook", candidate.pk), "on": True, "v": 1, "replace": True},
        principal(user="bob"),
    )

    result = data["setQueueHookEnabled"]
    assert result["__typename"] == "SetQueueHookEnabledSuccess"
    assert result["hook"] == {
        "id": gid("QueueHook", candidate.pk),
        "enabled": True,
        "version": 2,
        "updatedBy": "bob",
        "event": "MISSED",
        "flowSchema": {"name": "Send SMS"},
    }
    assert result["disabledHook"] == {
        "id": gid("QueueHook", enabled.pk),
        "enabled": False,
        "version": 2,
        "updatedBy": "bob",
        "event": "MISSED",
        "flowSchema": {"name": "CRM sync"},
    }
    assert await state() == [(enabled.pk, False, 2, "bob"), (candidate.pk, True, 2, "bob")]
    log = (await ok(LOG, {"q": queue}))["queue"]
    assert log["revision"] == 2
    assert log["changes"]["nodes"] == [
        {
            "revision": 2,
            "kind": "UPDATED",
            "hookId": gid("QueueHook", candidate.pk),
            "changedBy": "bob",
            "hook": {"id": gid("QueueHook", candidate.pk), "enabled": True, "version": 2},
        },
        {
            "revision": 1,
            "kind": "UPDATED",
            "hookId": gid("QueueHook", enabled.pk),
            "changedBy": "bob",
            "hook": {"id": gid("QueueHook", enabled.pk), "enabled": False, "version": 2},
        },
    ]


async def test_without_replace_the_duplicate_is_still_refused_by_name(database: str) -> None:
    _, enabled, candidate = await given_two_hooks_for_one_event()

    data = await ok(SWITCH, {"id": gid("QueueHook", candidate.pk), "on": True})

    result = data["setQueueHookEnabled"]
    assert result["__typename"] == "DuplicateEnabledEventError"
    assert result["enabledHook"] == {
        "id": gid("QueueHook", enabled.pk),
        "flowSchema": {"name": "CRM sync"},
    }
    assert await state() == [(enabled.pk, True, 1, "factory"), (candidate.pk, False, 1, "factory")]


async def test_a_null_replace_is_the_default_refusal(database: str) -> None:
    _, enabled, candidate = await given_two_hooks_for_one_event()

    data = await ok(SWITCH, {"id": gid("QueueHook", candidate.pk), "on": True, "replace": None})

    assert data["setQueueHookEnabled"]["__typename"] == "DuplicateEnabledEventError"
    assert await state() == [(enabled.pk, True, 1, "factory"), (candidate.pk, False, 1, "factory")]


async def test_with_nothing_to_replace_the_switch_only_enables(database: str) -> None:
    queue, disabled, candidate = await given_two_hooks_for_one_event(enabled_first=False)

    data = await ok(SWITCH, {"id": gid("QueueHook", candidate.pk), "on": True, "replace": True})

    result = data["setQueueHookEnabled"]
    assert result["hook"]["enabled"] is True
    assert result["disabledHook"] is None
    assert await state() == [(disabled.pk, False, 1, "factory"), (candidate.pk, True, 2, "alice")]
    assert (await ok(LOG, {"q": queue}))["queue"]["revision"] == 1


async def test_switching_to_the_enabled_hook_changes_nothing(database: str) -> None:
    queue, enabled, candidate = await given_two_hooks_for_one_event()

    data = await ok(SWITCH, {"id": gid("QueueHook", enabled.pk), "on": True, "replace": True})

    result = data["setQueueHookEnabled"]
    assert (result["hook"]["version"], result["disabledHook"]) == (1, None)
    assert await state() == [(enabled.pk, True, 1, "factory"), (candidate.pk, False, 1, "factory")]
    assert (await ok(LOG, {"q": queue}))["queue"]["revision"] == 0


async def test_disabling_with_replace_just_disables(database: str) -> None:
    _, enabled, candidate = await given_two_hooks_for_one_event()

    data = await ok(SWITCH, {"id": gid("QueueHook", enabled.pk), "on": False, "replace": True})

    assert data["setQueueHookEnabled"]["disabledHook"] is None
    assert await state() == [(enabled.pk, False, 2, "alice"), (candidate.pk, False, 1, "factory")]


async def test_a_stale_version_changes_neither_hook(database: str) -> None:
    queue, enabled, candidate = await given_two_hooks_for_one_event()
    await QueueHook.filter(id=candidate.pk).update(version=3)

    data = await ok(
        SWITCH, {"id": gid("QueueHook", candidate.pk), "on": True, "v": 2, "replace": True}
    )

    result = data["setQueueHookEnabled"]
    assert (result["__typename"], result["code"], result["currentVersion"]) == (
        "VersionConflictError",
        "VERSION_CONFLICT",
        3,
    )
    assert await state() == [(enabled.pk, True, 1, "factory"), (candidate.pk, False, 3, "factory")]
    assert (await ok(LOG, {"q": queue}))["queue"]["revision"] == 0


async def test_another_tenants_hook_is_not_found_and_stays_as_it_was(database: str) -> None:
    queue = await create_queue(tenant=OTHER_TENANT)
    schema = await create_flow_schema(tenant=OTHER_TENANT)
    theirs = await create_hook(queue, schema, QueueHookEvent.MISSED, enabled=False)
    hook_id = gid("QueueHook", theirs.pk)

    data = await ok(SWITCH, {"id": hook_id, "on": True, "replace": True})

    result = data["setQueueHookEnabled"]
    assert (result["__typename"], result["ids"]) == ("NotFoundError", [hook_id])
    assert await state() == [(theirs.pk, False, 1, "factory")]


async def test_the_switch_needs_queue_write(database: str) -> None:
    _, enabled, candidate = await given_two_hooks_for_one_event()

    result = await run(
        SWITCH,
        {"id": gid("QueueHook", candidate.pk), "on": True, "replace": True},
        principal(permissions=(Permission.QUEUES_READ,)),
    )

    assert [e["extensions"]["code"] for e in result.errors] == ["FORBIDDEN"]
    assert await state() == [(enabled.pk, True, 1, "factory"), (candidate.pk, False, 1, "factory")]


async def test_hook_rows_are_locked_in_ascending_id_order(database: str) -> None:
    sql = hook_repo.locking([9, 3, 5, 3]).sql()

    assert "JOIN" not in sql, "only hook rows are locked"
    if database.startswith("postgres"):
        assert sql.endswith('ORDER BY "id" ASC FOR UPDATE'), sql
    else:
        assert sql.endswith('ORDER BY "id" ASC'), sql

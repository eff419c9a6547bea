"""The demo data a newcomer gets from `make run`."""

from collections import Counter

from app.core.pagination import MAX_PAGE_SIZE
from app.models import FlowSchema, Queue, QueueHook, QueueHookEvent
from app.seed import PAGING_QUEUE, QUEUES, seed_demo


async def test_the_demo_has_a_queue_with_more_hooks_than_the_largest_page(database: str) -> None:
    created = await seed_demo("demo")
    again = await seed_demo("demo")

    assert (created, again) == (True, False), "seeding twice adds nothing"
    hooks = await QueueHook.all().values_list("queue_id", "event", "enabled")
    per_queue = Counter(queue_id for queue_id, _, _ in hooks)
    names = dict(await Queue.filter(tenant="demo").values_list("id", "name"))
    assert sorted(names.values()) == sorted(name for name, _ in [*QUEUES, PAGING_QUEUE])
    assert max(per_queue.values()) > MAX_PAGE_SIZE
    enabled = Counter((queue_id, event) for queue_id, event, on in hooks if on)
    assert set(enabled.values()) == {1}, "at most one enabled hook per queue and event"
    paging_queue = max(per_queue, key=lambda q: per_queue[q])
    assert {event for (q, event) in enabled if q == paging_queue} == set(QueueHookEvent)
    assert await FlowSchema.filter(tenant="demo").count() == 20
    # The figures the README quotes.
    assert (len(names), len(hooks)) == (5, 150)


async def test_the_demo_keeps_its_original_queues(database: str) -> None:
    await seed_demo("demo")

    names = set(await Queue.filter(tenant="demo").values_list("name", flat=True))

    assert {
        "Outbound IVR - payment reminders",
        "Inbound support",
        "Predictive sales",
        "Chat - web",
    } <= names

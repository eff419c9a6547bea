"""Services: permission checks, validation, transactions; they call repositories.

Lock order. Every write transaction takes its row locks in this one order, so
that no two writers can each wait for the other (a deadlock, which PostgreSQL
breaks by failing one of them). A transaction may skip steps, never go back.

1. The flow schema row, at most one: FOR UPDATE to rename or delete it
   (`flow_schema_repo.get_for_update`); FOR SHARE to point a hook at it
   (`flow_schema_repo.lock_for_reference`, on create, and on update when the schema
   changes), so that it is not renamed or deleted until the hook commits.
2. Queue rows, in ascending id, FOR UPDATE (`queue_repo.get_for_update`,
   `queue_repo.lock`). A queue's lock guards all that hangs off it: its hooks,
   their counts and its change log are written only by a holder of it.
3. Hook rows, in ascending id (`hook_repo.lock_in_id_order`), then the hooks' own writes.
4. What those writes touch: `queue_hook_count` rows (triggers), the change log
   and the queue's revision (`change_repo.append`, only for a queue already
   locked in step 2).

Locks PostgreSQL takes by itself fit the order: inserting or re-pointing a hook
takes KEY SHARE on its queue and flow schema rows, which steps 1 and 2 already
hold more strongly; deleting a flow schema takes KEY SHARE on the hooks that
refer to it (step 3 after its step 1); the partial unique index and the counts'
unique key are contended only by writers of one queue, one at a time by step 2.

A row that is gone once its lock is granted was removed by the writer we waited
for: the answer is NotFound. SQLite runs one transaction at a time, so there the
order costs nothing and cannot deadlock.
"""

"""The benchmark's PostgreSQL CPU column: each backend against its own earlier reading."""

from bench.load import TICKS, database_cpu_spent


def test_a_backend_that_exits_between_readings_takes_nothing_off() -> None:
    # 7 exited with 500 ticks behind it; the old sum-minus-sum read (150 + 20) - (100 + 500).
    spent = database_cpu_spent({5: 100, 7: 500}, {5: 150, 9: 20})

    assert spent == (50 + 20) / TICKS


def test_a_reused_pid_counts_as_a_new_backend() -> None:
    assert database_cpu_spent({5: 900}, {5: 30}) == 30 / TICKS

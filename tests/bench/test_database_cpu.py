"""The benchmark's PostgreSQL CPU column: each backend against its own earlier reading."""

from bench.load import TICKS, database_cpu_spent


def test_a_backend_that_exits_between_readings_takes_nothing_off() -> None:
    # (5, 10) exited with 500 ticks behind it; the old sum-minus-sum read
    # (150 + 20) - (100 + 500).
    spent = database_cpu_spent({(4, 9): 100, (5, 10): 500}, {(4, 9): 150, (6, 30): 20})

    assert spent == (50 + 20) / TICKS


def test_a_reused_pid_is_another_backend() -> None:
    # Pid 5 exited and came back as a new backend (a later start time), with more ticks
    # than the old one had: counting it against the old one's would read 950 - 900.
    assert database_cpu_spent({(5, 10): 900}, {(5, 70): 950}) == 950 / TICKS

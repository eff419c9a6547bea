"""Name search by the start of any word: its patterns, and PostgreSQL's index for it."""

import pytest
from tortoise.transactions import in_transaction

from app.models import FlowSchema
from app.repositories.word_search import NOTHING, word_start_filter, word_start_pattern


def test_the_search_words_make_the_pattern_in_each_dialect() -> None:
    assert word_start_pattern("crm: Sy", "postgres") == ("(^|[^[:alnum:]])crm[^[:alnum:]]+Sy")
    assert word_start_pattern("crm: Sy", "sqlite") == r"(^|[\W_])crm[\W_]+Sy"


def test_a_search_without_letters_or_digits_finds_nothing() -> None:
    assert word_start_pattern("% -- _", "postgres") == NOTHING
    assert word_start_pattern("(.*)", "sqlite") == NOTHING


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)  # the index is PostgreSQL's
async def test_postgres_can_answer_a_word_search_from_the_trigram_index(database: str) -> None:
    query = FlowSchema.filter(**word_start_filter("needle")).sql(params_inline=True)

    async with in_transaction() as connection:
        # On an empty table a scan is cheapest; what matters is that the index
        # matches the expression the lookup compares, or no plan could use it.
        await connection.execute_script("SET LOCAL enable_seqscan = off")
        _, plan = await connection.execute_query(f"EXPLAIN {query}")

    lines = "\n".join(row["QUERY PLAN"] for row in plan)
    assert "idx_flow_schema_name_trgm" in lines, lines

"""Parsed GraphQL documents, cached by their text, for the web layer's own looks at
a document (operation type, cache and sharing plans) before Strawberry runs it."""

from functools import lru_cache

from graphql import DocumentNode, GraphQLError, parse


@lru_cache(maxsize=1024)
def parsed(query: str) -> DocumentNode | None:
    """The document, or None if it does not parse (execution reports why)."""
    try:
        return parse(query)
    except GraphQLError:
        return None

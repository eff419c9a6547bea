"""Name search that matches the start of any word, the same on SQLite and PostgreSQL.

Words are runs of letters and digits; anything else (spaces, ':', '-', '_', '%')
separates them. A search matches a name when its words start consecutive words of
the name: all but the last whole, the last as a prefix ("crm sy" finds "CRM-sync
export", "sync" finds "billing:Sync", "rm" finds neither). Case does not matter.

Both backends run it as Tortoise's `iposix_regex` lookup: `~*` on PostgreSQL,
Python's `re` (registered by Tortoise) on SQLite. The dialects differ only in how
they name the separator class; the words put into the pattern hold letters and
digits only, which neither dialect treats as special, so nothing needs escaping.
"""

import re

from tortoise import connections

# Python's word characters less the underscore: letters and digits, any script.
_SEPARATORS = re.compile(r"[\W_]+")
_SEPARATOR_CLASS = {"postgres": "[^[:alnum:]]", "sqlite": r"[\W_]"}

# Matches no name: a search with no letter or digit names no word.
NOTHING = "$^"


def word_start_pattern(search: str, dialect: str) -> str:
    """The regular expression, in `dialect`'s syntax, for names that `search` finds."""
    words = [w for w in _SEPARATORS.split(search) if w]
    if not words:
        return NOTHING
    separator = _SEPARATOR_CLASS["postgres" if dialect == "postgres" else "sqlite"]
    return f"(^|{separator})" + f"{separator}+".join(words)


def word_start_filter(search: str) -> dict[str, str]:
    """Filter arguments for `name`, for the default connection's dialect."""
    dialect = connections.get("default").capabilities.dialect
    return {"name__iposix_regex": word_start_pattern(search, dialect)}

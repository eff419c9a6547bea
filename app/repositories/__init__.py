"""Repositories: every ORM query lives here, scoped by tenant."""

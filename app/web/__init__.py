"""The HTTP face: the Starlette app, GraphQL over HTTP, GraphiQL."""

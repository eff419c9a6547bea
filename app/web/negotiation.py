"""Media types of GraphQL over HTTP, and choosing one from an Accept header."""

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"


def choose_media_type(accept: str | None) -> str | None:
    """The response media type for an Accept header, or None if we offer nothing acceptable.

    A client that names application/graphql-response+json gets it. Legacy clients
    (no header, */*, application/json) get application/json, as the spec advises
    during its migration period.
    """
    if accept is None or not accept.strip():
        return JSON
    offered: dict[str, float] = {}
    for part in accept.split(","):
        media, *params = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        offered[media.lower()] = max(quality, offered.get(media.lower(), 0.0))
    if offered.get(GRAPHQL_RESPONSE_JSON, 0) > 0:
        return GRAPHQL_RESPONSE_JSON
    if any(offered.get(m, 0) > 0 for m in (JSON, "application/*", "*/*")):
        return JSON
    return None


def wants_html(accept: str | None) -> bool:
    return accept is not None and "text/html" in accept

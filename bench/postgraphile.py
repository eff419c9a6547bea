"""PostGraphile 5 as a third column, when it is installed outside the repository."""


def available() -> str:
    return "not set up"

import json
import logging

from app.core.logs import JsonFormatter, TextFormatter


def test_json_lines_carry_the_extras() -> None:
    record = logging.makeLogRecord(
        {"name": "app.requests", "levelno": logging.INFO, "levelname": "INFO",
         "msg": "graphql request", "request_id": "abc", "tenant": "acme", "duration_ms": 1.5}
    )  # fmt: skip

    line = json.loads(JsonFormatter().format(record))

    assert line["message"] == "graphql request"
    assert line["level"] == "info"
    assert (line["request_id"], line["tenant"], line["duration_ms"]) == ("abc", "acme", 1.5)
    assert line["time"].endswith("+00:00")


def test_text_lines_carry_the_extras_as_key_values() -> None:
    record = logging.makeLogRecord(
        {"name": "app.requests", "levelno": logging.INFO, "levelname": "INFO",
         "msg": "graphql request", "request_id": "abc", "operation": "Two words", "user": None}
    )  # fmt: skip

    line = TextFormatter().format(record)

    assert line.endswith(
        ' INFO app.requests graphql request request_id=abc operation="Two words" user=None'
    )


def test_uvicorns_coloured_copy_of_the_message_is_not_a_field() -> None:
    record = logging.makeLogRecord(
        {"name": "uvicorn.error", "levelno": logging.INFO, "levelname": "INFO",
         "msg": "Started server process [%d]", "args": (7,),
         "color_message": "Started server process [\x1b[36m%d\x1b[0m]"}
    )  # fmt: skip

    assert TextFormatter().format(record).endswith(" INFO uvicorn.error Started server process [7]")
    assert "color_message" not in json.loads(JsonFormatter().format(record))

"""One JSON object per log line, each carrying the payloadID of the document at work.

Operators search logs by payloadID: it is what a partner quotes, and the same
document's lines come from the event loop and from a database thread. The inbound
pipeline and the storefront's punch-in attempt set ``PAYLOAD_ID`` for their request
(a context variable: asgiref carries it into ``sync_to_async`` calls); every record
gets it as ``payload_id`` (``PayloadIdFilter``), and ``JsonFormatter`` writes the
record as one line. ``PUNCHIN_LOG_FORMAT=text`` keeps plain lines (the demo's console).
"""

from __future__ import annotations

import json
import logging
from contextvars import ContextVar
from datetime import UTC, datetime

PAYLOAD_ID: ContextVar[str] = ContextVar("punchin_payload_id", default="")


def working_on(payload_id: str) -> None:
    """The current request's log lines name ``payload_id`` from here on."""
    PAYLOAD_ID.set(payload_id)


class PayloadIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.payload_id = PAYLOAD_ID.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "payload_id": getattr(record, "payload_id", ""),
            "message": record.getMessage(),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def logging_config(text: bool) -> dict[str, object]:
    """Django's ``LOGGING``: our loggers and Django's request errors, JSON or text."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"payload_id": {"()": PayloadIdFilter}},
        "formatters": {
            "json": {"()": JsonFormatter},
            "text": {"format": "%(levelname)s %(name)s [%(payload_id)s] %(message)s"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "filters": ["payload_id"],
                "formatter": "text" if text else "json",
            }
        },
        "loggers": {
            "punchin": {"handlers": ["console"], "level": "INFO"},
            # Every page that fails with 500 leaves its traceback on stderr (Django
            # logs it here; without this only DEBUG or ADMINS e-mail would show it).
            "django.request": {"handlers": ["console"], "level": "ERROR"},
        },
    }

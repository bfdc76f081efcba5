"""One logging set-up: Python ``logging`` of the ``gridgov`` logger goes to the QGIS message log."""

from __future__ import annotations

import logging

from qgis.core import Qgis, QgsMessageLog

LOGGER_NAME = "gridgov"
LOG_TAG = "Grid Governance"

_LEVELS = (
    (logging.ERROR, Qgis.MessageLevel.Critical),
    (logging.WARNING, Qgis.MessageLevel.Warning),
    (logging.INFO, Qgis.MessageLevel.Info),
)


class QgsLogHandler(logging.Handler):
    """Forward records to ``QgsMessageLog`` (thread-safe: QgsMessageLog queues to the main thread)."""

    def emit(self, record: logging.LogRecord) -> None:
        level = next((q for py, q in _LEVELS if record.levelno >= py), Qgis.MessageLevel.Info)
        try:
            QgsMessageLog.logMessage(self.format(record), LOG_TAG, level)
        except Exception:  # logging must never raise into QGIS
            self.handleError(record)


def setup_logger() -> logging.Handler:
    """Attach the QGIS handler to the plugin's logger; return it so ``teardown_logger`` can remove it."""
    logger = logging.getLogger(LOGGER_NAME)
    logger.setLevel(logging.INFO)
    handler = QgsLogHandler()
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger.addHandler(handler)
    return handler


def teardown_logger(handler: logging.Handler | None) -> None:
    """Remove the handler added by ``setup_logger``."""
    if handler is not None:
        logging.getLogger(LOGGER_NAME).removeHandler(handler)

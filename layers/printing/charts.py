"""Small chart images drawn with Qt (no plotting library needed inside QGIS)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from qgis.PyQt.QtCore import QRectF, Qt
from qgis.PyQt.QtGui import QColor, QFont, QImage, QPainter

from gridgov.grid_ops.analytics.timeprofile import WEEKDAYS_EN, WEEKDAYS_ZH

FONT = "Noto Sans CJK SC"
#: light yellow → dark red, as the heatmap style
RAMP = ((255, 255, 204), (254, 217, 118), (253, 141, 60), (227, 26, 28), (128, 0, 38))


def _colour(value: float) -> QColor:
    """``value`` in 0 … 1 along the ramp; 0 is a pale grey (no orders)."""
    if value <= 0:
        return QColor(245, 245, 245)
    position = min(value, 1.0) * (len(RAMP) - 1)
    i = min(int(position), len(RAMP) - 2)
    f = position - i
    return QColor(*(round(a + (b - a) * f) for a, b in zip(RAMP[i], RAMP[i + 1])))


def draw_profile_png(counts: np.ndarray, title: str, path: str | Path, subtitle: str = "") -> str:
    """A 7 × 24 hour-by-weekday chart (Monday at the top) with its title; returns the path written."""
    width, height = 1000, 380
    left, top, cell_w, cell_h = 110, 70, 36, 36
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    font = QFont(FONT)
    font.setPixelSize(18)
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor("#222222"))
    painter.drawText(QRectF(10, 6, width - 20, 28), int(Qt.AlignmentFlag.AlignLeft), title)
    font.setBold(False)
    font.setPixelSize(13)
    painter.setFont(font)
    if subtitle:
        painter.setPen(QColor("#555555"))
        painter.drawText(QRectF(10, 34, width - 20, 22), int(Qt.AlignmentFlag.AlignLeft), subtitle)
    peak = float(counts.max()) if counts.size else 0.0
    for day in range(7):
        painter.setPen(QColor("#333333"))
        painter.drawText(
            QRectF(4, top + day * cell_h, left - 10, cell_h),
            int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
            f"{WEEKDAYS_ZH[day]} {WEEKDAYS_EN[day]}",
        )
        for hour in range(24):
            value = counts[day, hour] / peak if peak else 0.0
            rect = QRectF(left + hour * cell_w, top + day * cell_h, cell_w - 2, cell_h - 2)
            painter.fillRect(rect, _colour(value))
            if counts[day, hour]:
                painter.setPen(QColor("white") if value > 0.55 else QColor("#333333"))
                painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), str(int(counts[day, hour])))
    painter.setPen(QColor("#333333"))
    for hour in range(24):
        painter.drawText(
            QRectF(left + hour * cell_w, top + 7 * cell_h + 2, cell_w, 20),
            int(Qt.AlignmentFlag.AlignCenter),
            f"{hour:02d}",
        )
    painter.drawText(
        QRectF(left, top + 7 * cell_h + 22, 24 * cell_w, 20),
        int(Qt.AlignmentFlag.AlignCenter),
        "时 Hour of day",
    )
    painter.end()
    path = str(path)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    if not image.save(path, "PNG"):
        raise OSError(f"cannot write {path}")
    return path

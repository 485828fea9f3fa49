"""The parcel statement as an A4 PDF: the map at a stated, true scale, then the ledger rows and findings.

The page is laid out on the PDF device itself (300 dpi, millimetre margins), so type is printed at its
point size and the map box is exactly ``MAP_WIDTH_MM`` × ``MAP_HEIGHT_MM``. The map's scale is the
smallest of the usual cadastral scales (지적도 1:500, 1:600, 1:1,200 …) at which the parcel fits with a
margin: 1 cm on paper is then exactly ``scale`` cm on the ground, as the scale bar says.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import shapely
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsMapRendererCustomPainterJob,
    QgsMapSettings,
    QgsRectangle,
)
from qgis.PyQt.QtCore import QMarginsF, QPointF, QRectF, Qt, QUrl
from qgis.PyQt.QtGui import (
    QBrush,
    QColor,
    QFont,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPainterPath,
    QPdfWriter,
    QPen,
    QTextDocument,
    QTextImageFormat,
    QTextOption,
)

DPI = 300
CSS_DPI = 96  # Qt's default dpi: the unit of an HTML image's width and height
MARGIN_MM = 15.0
MAP_WIDTH_MM = 180.0
MAP_HEIGHT_MM = 110.0
FOOTER_MM = 6.0
SCALES = (500, 600, 1000, 1200, 2400, 3000, 5000, 6000, 10000, 25000, 50000)
# NanumBarunGothic: its PDF text extracts with spaces (NanumGothic's space glyph comes out as U+0001).
FONT = "NanumBarunGothic"
FILL = 0.75  # the parcel takes at most this share of the map box
MAP_NAME = "statement-map.png"


@dataclass(frozen=True)
class PdfStatement:
    path: Path
    scale: int
    pages: int
    map_box_mm: tuple[float, float, float, float]  # x, y, width, height on page 1, from the paper's corner


def _mm(value: float) -> float:
    return value / 25.4 * DPI


def choose_scale(bounds: tuple[float, float, float, float]) -> int:
    minx, miny, maxx, maxy = bounds
    need = max((maxx - minx) / (MAP_WIDTH_MM / 1000 * FILL), (maxy - miny) / (MAP_HEIGHT_MM / 1000 * FILL), 1.0)
    return next((s for s in SCALES if s >= need), int(math.ceil(need / 1000) * 1000))


def _path(geometry, to_px) -> QPainterPath:
    path = QPainterPath()
    for polygon in getattr(geometry, "geoms", [geometry]):
        for ring in [polygon.exterior, *polygon.interiors]:
            points = [QPointF(*to_px(x, y)) for x, y in ring.coords]
            if points:
                path.moveTo(points[0])
                for point in points[1:]:
                    path.lineTo(point)
                path.closeSubpath()
    return path


def render_map(index, pnu: str, layers: list, crs: QgsCoordinateReferenceSystem) -> tuple[QImage, int]:
    """The map box as a 300 dpi image: QGIS draws ``layers``, the parcel and its buildings go on top."""
    width, height = round(_mm(MAP_WIDTH_MM)), round(_mm(MAP_HEIGHT_MM))
    geometry = index.parcel_geometry(pnu)
    scale = choose_scale(geometry.bounds)
    cx, cy = shapely.centroid(shapely.envelope(geometry)).coords[0]
    half_w, half_h = MAP_WIDTH_MM / 2000 * scale, MAP_HEIGHT_MM / 2000 * scale  # metres on the ground
    extent = QgsRectangle(cx - half_w, cy - half_h, cx + half_w, cy + half_h)
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    image.setDotsPerMeterX(round(DPI / 0.0254))
    image.setDotsPerMeterY(round(DPI / 0.0254))
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    if layers:
        settings = QgsMapSettings()
        settings.setLayers(layers)
        settings.setDestinationCrs(crs)
        settings.setOutputSize(image.size())
        settings.setOutputDpi(DPI)
        settings.setExtent(extent)
        settings.setBackgroundColor(QColor("white"))
        job = QgsMapRendererCustomPainterJob(settings, painter)
        job.start()
        job.waitForFinished()
    px = width / (2 * half_w)

    def to_px(x: float, y: float) -> tuple[float, float]:
        return (x - extent.xMinimum()) * px, (extent.yMaximum() - y) * px

    neighbours = index.neighbours(pnu, max(half_w, half_h))
    painter.setPen(QPen(QColor("#7a7a7a"), _mm(0.15)))
    painter.setBrush(QBrush(QColor(235, 235, 235, 0 if layers else 255)))
    for other in neighbours.geometry:
        painter.drawPath(_path(other, to_px))
    painter.setPen(QPen(QColor("#d7301f"), _mm(0.6)))
    painter.setBrush(QBrush(QColor(215, 48, 31, 50)))
    painter.drawPath(_path(geometry, to_px))
    painter.setPen(QPen(QColor("#252525"), _mm(0.2)))
    painter.setBrush(QBrush(QColor(99, 99, 99, 170)))
    for building in index.buildings_of(pnu).geometry:
        painter.drawPath(_path(building, to_px))
    _scale_bar(painter, scale, px, height)
    painter.setPen(QPen(QColor("#333333"), _mm(0.3)))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRect(QRectF(0, 0, width - 1, height - 1))
    painter.end()
    return image, scale


def _scale_bar(painter: QPainter, scale: int, px_per_m: float, height: int) -> None:
    metres = next(m for m in (5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000) if m * px_per_m >= _mm(20))
    x0, y0, bar = _mm(5), height - _mm(6), metres * px_per_m
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QBrush(QColor(255, 255, 255, 220)))
    painter.drawRect(QRectF(x0 - _mm(2), y0 - _mm(6), bar + _mm(42), _mm(10)))
    painter.setPen(QPen(QColor("black"), _mm(0.5)))
    painter.drawLine(QPointF(x0, y0), QPointF(x0 + bar, y0))
    for x in (x0, x0 + bar):
        painter.drawLine(QPointF(x, y0 - _mm(1.5)), QPointF(x, y0))
    font = QFont(FONT)
    font.setPixelSize(round(_mm(3)))
    painter.setFont(font)
    painter.drawText(QPointF(x0 + bar + _mm(2), y0), f"{metres} m · 축척 1:{scale:,}")
    painter.drawText(QPointF(painter.device().width() - _mm(8), _mm(8)), "N ↑")


def write_pdf(path: str | Path, html: str, map_image: QImage, scale: int) -> PdfStatement:
    """Lay ``html`` out on A4 (its ``MAP_NAME`` image is the map box) and print it, page by page."""
    writer = QPdfWriter(str(path))
    writer.setResolution(DPI)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM),
            QPageLayout.Unit.Millimeter,
        )
    )
    writer.setTitle("필지 조서")
    writer.setCreator("김포 GIS")
    paint = writer.pageLayout().paintRectPixels(DPI)
    footer = _mm(FOOTER_MM)  # the page number has its own strip below the text
    page = QRectF(0, 0, paint.width(), paint.height() - footer)
    document = QTextDocument()
    document.documentLayout().setPaintDevice(writer)
    document.setDefaultFont(QFont(FONT, 9))
    image_resource = QTextDocument.ResourceType.ImageResource
    document.addResource(getattr(image_resource, "value", image_resource), QUrl(MAP_NAME), map_image)
    document.setHtml(html)
    document.setDocumentMargin(0)
    document.setTextWidth(page.width())  # one long page; cut below into A4 pages between lines
    box = _image_box(document)
    cuts = page_cuts(document, page.height())
    painter = QPainter(writer)
    pages = len(cuts) - 1
    for number in range(pages):
        if number:
            writer.newPage()
        top, bottom = cuts[number], cuts[number + 1]
        painter.save()
        painter.translate(0, -top)
        document.drawContents(painter, QRectF(0, top, page.width(), bottom - top))
        painter.restore()
        font = QFont(FONT)
        font.setPixelSize(round(_mm(2.5)))
        painter.setFont(font)
        painter.setPen(QColor("#666666"))
        painter.drawText(
            QRectF(0, page.height() + _mm(1), page.width(), footer - _mm(1)),
            f"{number + 1} / {pages}",
            QTextOption(Qt.AlignmentFlag.AlignRight),
        )
    painter.end()
    to_mm = 25.4 / DPI
    map_box = (MARGIN_MM + box.x() * to_mm, MARGIN_MM + box.y() * to_mm, box.width() * to_mm, box.height() * to_mm)
    return PdfStatement(Path(path), scale, pages, map_box)


def page_cuts(document: QTextDocument, height: float) -> list[float]:
    """Where pages end: at most ``height`` apart and never through a line of text, an image or a table
    row (Qt's own pagination splits a heading across two pages when it falls on the boundary)."""
    layout = document.documentLayout()
    spans = []
    block = document.begin()
    while block.isValid():
        rect = layout.blockBoundingRect(block)
        lines = block.layout()
        for number in range(lines.lineCount()):
            line = lines.lineAt(number)
            spans.append((rect.top() + line.y(), rect.top() + line.y() + line.height()))
        block = block.next()
    end = layout.documentSize().height()
    cuts = [0.0]
    while end - cuts[-1] > height:
        limit = cuts[-1] + height
        crossing = [top for top, bottom in spans if top < limit < bottom and top > cuts[-1]]
        cuts.append(min(crossing) if crossing else limit)
    cuts.append(end)
    return cuts


def _image_box(document: QTextDocument) -> QRectF:
    """Where the map image sits on page 1, in device pixels of the paint rect (measured from the layout)."""
    block = document.begin()
    while block.isValid():
        iterator = block.begin()
        while not iterator.atEnd():
            fragment = iterator.fragment()
            fmt = fragment.charFormat()
            if fmt.isImageFormat() and QTextImageFormat(fmt.toImageFormat()).name() == MAP_NAME:
                image = fmt.toImageFormat()
                width, height = image.width() * DPI / CSS_DPI, image.height() * DPI / CSS_DPI  # as Qt scales it
                rect = document.documentLayout().blockBoundingRect(block)
                line = block.layout().lineForTextPosition(fragment.position() - block.position())
                x = rect.x() + line.cursorToX(fragment.position() - block.position())[0]
                y = rect.y() + line.y() + line.ascent() - height
                return QRectF(x, y, width, height)
            iterator += 1
        block = block.next()
    return QRectF()


def map_html_size() -> tuple[float, float]:
    """The map's width and height for the HTML ``img``, in CSS pixels (1/96 in): Qt scales an image's
    size by the device's dpi / 96 when it lays a document out on a printer or PDF device."""
    return MAP_WIDTH_MM / 25.4 * CSS_DPI, MAP_HEIGHT_MM / 25.4 * CSS_DPI

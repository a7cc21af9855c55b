"""The monthly report as a PDF for briefing leaders: the figures by village (by township for a county), then
charts drawn with reportlab's own charting (households monitored and eliminated by area, the last twelve
months' trend, the households monitored by risk and by target type), then the lists. Every string of every
chart is set in the embedded Chinese font: a chart's default Helvetica is never embedded."""

import math
from typing import Any

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.platypus import Flowable, PageBreak, Spacer

from assistance.reports.service import COLUMNS, LIST_COLUMNS, MonthlyReport
from common import clock, pdf

WIDTH = 500  # points: A4 less the margins
BLUE, ORANGE, GREEN = colors.HexColor("#2f6db5"), colors.HexColor("#e07b24"), colors.HexColor("#3a9a5b")
PALETTE = [BLUE, ORANGE, GREEN, colors.HexColor("#b54a4a"), colors.HexColor("#7d5ab5"), colors.HexColor("#888888")]


def _drawing(height: float) -> Drawing:
    """A chart's canvas whose starting font is the embedded one (reportlab's renderer sets Helvetica first)."""
    drawing = Drawing(WIDTH, height)
    drawing.initialFontName = pdf.FONT
    return drawing


def _title(drawing: Drawing, text: str) -> None:
    drawing.add(String(WIDTH / 2, drawing.height - 14, text, fontName=pdf.FONT, fontSize=11, textAnchor="middle"))


def _legend(drawing: Drawing, x: float, y: float, pairs: list[tuple[Any, str]]) -> None:
    legend = Legend()
    legend.x, legend.y, legend.fontName, legend.fontSize = x, y, pdf.FONT, 8
    legend.alignment, legend.columnMaximum, legend.dx, legend.dy = "right", 1, 8, 8
    legend.colorNamePairs = pairs
    drawing.add(legend)


def _axes(chart: Any) -> None:
    """Labels in the embedded font; counts of households on whole-number steps from zero."""
    for axis in (chart.categoryAxis, chart.valueAxis):
        axis.labels.fontName, axis.labels.fontSize = pdf.FONT, 7
    top = max((v for series in chart.data for v in series), default=0)
    step = max(1, math.ceil(top / 5))
    chart.valueAxis.valueMin, chart.valueAxis.valueStep = 0, step
    chart.valueAxis.valueMax = step * max(1, math.ceil(top / step))


def by_area(report: MonthlyReport) -> Drawing:
    """Households monitored at the month's end and eliminated in it, per village or township."""
    areas = report.villages or []
    drawing = _drawing(230)
    _title(drawing, f"各{'乡镇' if report.rows_by == 'township' else '村'}月末在监测户数与本月风险消除户数")
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 40, 60, WIDTH - 60, 130
    chart.data = [[r.monitored_now for r in areas] or [0], [r.eliminated for r in areas] or [0]]
    chart.categoryAxis.categoryNames = [r.village_name[:8] for r in areas] or ["无"]
    chart.categoryAxis.labels.angle, chart.categoryAxis.labels.boxAnchor = 30, "ne"
    chart.bars[0].fillColor, chart.bars[1].fillColor = BLUE, ORANGE
    _axes(chart)
    drawing.add(chart)
    _legend(drawing, 60, 12, [(BLUE, "月末在监测户数"), (ORANGE, "本月风险消除户数")])
    return drawing


def trend(report: MonthlyReport) -> Drawing:
    """The last twelve months: households monitored at each month's end, newly monitored and eliminated."""
    drawing = _drawing(220)
    _title(drawing, "近十二个月趋势（户）")
    chart = HorizontalLineChart()
    chart.x, chart.y, chart.width, chart.height = 40, 55, WIDTH - 60, 130
    series = ("monitored_now", "newly_monitored", "eliminated")
    chart.data = [[m[s] for m in report.trend] or [0] for s in series]
    chart.categoryAxis.categoryNames = [m["month"][2:] for m in report.trend] or ["无"]
    for i, color in enumerate((BLUE, GREEN, ORANGE)):
        chart.lines[i].strokeColor, chart.lines[i].strokeWidth = color, 1.5
    _axes(chart)
    drawing.add(chart)
    _legend(drawing, 60, 12, [(BLUE, "月末在监测户数"), (GREEN, "新纳入监测户数"), (ORANGE, "风险消除户数")])
    return drawing


def by_risk_and_type(report: MonthlyReport) -> Drawing:
    """The households monitored at the month's end by risk (a household may have several) and by type."""
    drawing = _drawing(230)
    drawing.add(String(125, 216, "月末在监测户：按返贫致贫风险", fontName=pdf.FONT, fontSize=10, textAnchor="middle"))
    drawing.add(String(380, 216, "月末在监测户：按监测对象类型", fontName=pdf.FONT, fontSize=10, textAnchor="middle"))
    risks = report.monitored_by_risk or {"无": 0}
    bars = HorizontalBarChart()
    bars.x, bars.y, bars.width, bars.height = 80, 20, 160, 180
    bars.data = [list(reversed(risks.values()))]
    bars.categoryAxis.categoryNames = list(reversed(risks.keys()))
    bars.bars[0].fillColor = BLUE
    _axes(bars)
    drawing.add(bars)
    types = report.monitored_by_type
    if types:
        pie = Pie()
        pie.x, pie.y, pie.width, pie.height = 320, 40, 120, 120
        pie.data = list(types.values())
        pie.labels = [f"{k} {v}户" for k, v in types.items()]
        pie.slices.fontName, pie.slices.fontSize = pdf.FONT, 8
        pie.sideLabels = True
        for i in range(len(types)):
            pie.slices[i].fillColor = PALETTE[i % len(PALETTE)]
        drawing.add(pie)
    else:
        drawing.add(String(380, 100, "本月末无在监测户", fontName=pdf.FONT, fontSize=9, textAnchor="middle"))
    return drawing


def to_pdf(report: MonthlyReport) -> bytes:
    area = "乡镇（街道）" if report.rows_by == "township" else "村（社区）"
    labels = [area, *[label for _, label, _ in COLUMNS[2:]]]
    figures = [[r.village_name, *(getattr(r, c) for c, _, _ in COLUMNS[2:])] for r in report.villages]
    level = "县（市、区）" if report.rows_by == "township" else "乡镇"
    flow: list[Flowable] = [
        pdf.paragraph(
            f"{level}：{report.township_name}（{report.township}）    "
            f"报送截止：{clock.official(report.due_by)}    "
            f"生成于 {clock.official_time(report.generated_at)}（北京时间）"
        ),
        pdf.table([labels, *figures, ["合计", *(report.totals[c] for c, _, _ in COLUMNS[2:])]]),
        Spacer(1, 12),
        by_area(report),
        trend(report),
        by_risk_and_type(report),
    ]
    for title, listed in (
        ("本月新纳入监测户名单", report.newly_monitored_list),
        ("本月风险消除户名单", report.eliminated_list),
    ):
        flow += [PageBreak(), pdf.paragraph(title, "h")]
        if not listed:
            flow.append(pdf.paragraph("无"))
            continue
        rows = [[i, *(item[k] for k, _ in LIST_COLUMNS[1:])] for i, item in enumerate(listed, start=1)]
        flow.append(pdf.table([[label for _, label in LIST_COLUMNS], *rows], [12, 40, 34, 20, 30, 44]))
    return pdf.render(f"{report.township_name}防止返贫监测帮扶月报（{report.month}）", flow)

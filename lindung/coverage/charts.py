"""Server-rendered charts: geometry computed here, drawn as inline SVG by the templates (no JS, no CDN)."""

from dataclasses import dataclass

from django.template.loader import render_to_string

from lindung.formatting import percent


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: int
    note: str = ""


def column_chart(points: list[dict], *, value: str = "active", width: int = 640, height: int = 180,
                 pad_left: int = 48, pad_bottom: int = 22) -> dict:
    """Vertical bars per month, with a y-axis scale and the coverage % written over each bar."""
    top = max([p[value] for p in points] + [1])
    scale = _nice(top)
    inner_w, inner_h = width - pad_left - 8, height - pad_bottom - 10
    slot = inner_w / max(len(points), 1)
    bars = []
    for i, p in enumerate(points):
        h = inner_h * p[value] / scale
        pct = p.get("coverage_pct")
        bars.append(Bar(x=pad_left + i * slot + slot * 0.15, y=10 + inner_h - h, width=slot * 0.7, height=h,
                        label=p["month"][2:], value=p[value],
                        note="" if pct is None or not p[value] else percent(pct)))
    steps = 5 if scale >= 5 else scale
    ticks = [{"y": 10 + inner_h - inner_h * t / steps, "value": scale * t // steps} for t in range(steps + 1)]
    return {"width": width, "height": height, "bars": bars, "ticks": ticks, "base": 10 + inner_h,
            "left": pad_left, "label_y": height - 6}


def bar_rows(items: list[tuple[str, int]], *, width: int = 100) -> list[dict]:
    """Horizontal bars for a breakdown: share of the largest value, in viewBox units."""
    top = max([v for _label, v in items] + [1])
    total = sum(v for _label, v in items) or 1
    return [{"label": label, "value": v, "width": round(width * v / top, 2), "share": round(100 * v / total, 1)}
            for label, v in items]


def _nice(value: int) -> int:
    """A round axis maximum at or above ``value``: 1, 2, 2.5 or 5 × a power of ten."""
    magnitude = 1
    while magnitude * 10 <= value:
        magnitude *= 10
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return int(step * magnitude)
    return value


def column_chart_svg(points: list[dict], **geometry) -> str:
    """The month chart as standalone SVG markup — the same template the dashboard includes, so a
    PDF report shows exactly the chart of the page."""
    return render_to_string("coverage/_column_chart.html", {"chart": column_chart(points, **geometry)})

"""The /stats chart: jobs found per day by source, as a PNG."""

from __future__ import annotations

import io
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")  # no display: render to memory

from matplotlib import pyplot as plt


def jobs_per_day_png(rows: list[tuple[str, str, int]], names: dict[str, str]) -> bytes:
    """Stacked bars: one bar per day, one colour per source."""
    days = sorted({day for day, _, _ in rows})
    per_source: dict[str, dict[str, int]] = defaultdict(dict)
    for day, source, count in rows:
        per_source[source][day] = count
    figure, axes = plt.subplots(figsize=(8, 4), dpi=100)
    bottom = [0] * len(days)
    for source, counts in sorted(per_source.items()):
        heights = [counts.get(day, 0) for day in days]
        axes.bar(days, heights, bottom=bottom, label=names.get(source, source))
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    axes.set_title("Jobs found per day by source")
    axes.set_ylabel("jobs")
    if per_source:
        axes.legend(loc="upper left", fontsize="small")
    axes.tick_params(axis="x", labelrotation=45)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    return buffer.getvalue()

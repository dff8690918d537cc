"""One row of the benchmark table, and the table itself."""

import math
import os
from dataclasses import asdict, dataclass, field


@dataclass
class Row:
    name: str
    metric: str
    value: str
    target: str = ""
    ok: bool | None = None  # None: informational, or could not be measured
    # The machine's 1-minute load average when the figure was taken: a busy machine shows beside each figure.
    load: float = field(default_factory=lambda: os.getloadavg()[0])

    def as_dict(self):
        return asdict(self)


def percentile(values, fraction):
    """Nearest-rank percentile of a non-empty list (p95 of 30 samples is the 29th smallest)."""
    ordered = sorted(values)
    return ordered[max(1, math.ceil(len(ordered) * fraction)) - 1]


def ms(seconds):
    return f"{seconds * 1000:.1f}"


def format_table(rows):
    headers = ("name", "metric", "value", "target", "ok?", "load")
    cells = [(r.name, r.metric, r.value, r.target, {True: "yes", False: "NO", None: "-"}[r.ok], f"{r.load:.1f}")
             for r in rows]
    return format_columns(headers, cells)


def format_columns(headers, cells):
    """Plain-text columns, each as wide as its widest cell."""
    widths = [max(len(str(c[i])) for c in [headers, *cells]) for i in range(len(headers))]
    line = "  ".join("-" * w for w in widths)
    out = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)), line]
    out += ["  ".join(str(c).ljust(w) for c, w in zip(cell, widths, strict=True)) for cell in cells]
    return "\n".join(out)

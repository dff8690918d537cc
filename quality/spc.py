"""Statistical process control for a measured characteristic: X̄-R control chart and process capability.

A subgroup is one inspection's samples of the characteristic (at most the first 25: the R chart's
constants stop there and a range loses efficiency beyond). Constants A2, D3, D4 and d2 are those of
the standard table (ISO 7870-2 / GB/T 17989.2, Shewhart charts). With equal subgroup sizes:

    X̄ chart: CL = X̿, UCL/LCL = X̿ ± A2·R̄        R chart: CL = R̄, UCL = D4·R̄, LCL = D3·R̄

With different sizes, σ̂ = mean(Rᵢ / d2(nᵢ)) and each subgroup gets limits for its own size
(R̄ᵢ = d2(nᵢ)·σ̂, then the formulas above with A2(nᵢ), D3(nᵢ), D4(nᵢ)); for equal sizes this is the same.
X̿ is the mean of all values (subgroup means weighted by their size).

Capability from the within-subgroup σ̂ = R̄ / d2:  Cp = (USL − LSL) / 6σ̂,  Cpk = min(USL − X̿, X̿ − LSL) / 3σ̂.
A point beyond its control limits is marked out of control.
"""

from dataclasses import dataclass, field

# n: (A2, D3, D4, d2)
CONSTANTS = {
    2: (1.880, 0.0, 3.267, 1.128), 3: (1.023, 0.0, 2.574, 1.693), 4: (0.729, 0.0, 2.282, 2.059),
    5: (0.577, 0.0, 2.114, 2.326), 6: (0.483, 0.0, 2.004, 2.534), 7: (0.419, 0.076, 1.924, 2.704),
    8: (0.373, 0.136, 1.864, 2.847), 9: (0.337, 0.184, 1.816, 2.970), 10: (0.308, 0.223, 1.777, 3.078),
    11: (0.285, 0.256, 1.744, 3.173), 12: (0.266, 0.283, 1.717, 3.258), 13: (0.249, 0.307, 1.693, 3.336),
    14: (0.235, 0.328, 1.672, 3.407), 15: (0.223, 0.347, 1.653, 3.472), 16: (0.212, 0.363, 1.637, 3.532),
    17: (0.203, 0.378, 1.622, 3.588), 18: (0.194, 0.391, 1.608, 3.640), 19: (0.187, 0.403, 1.597, 3.689),
    20: (0.180, 0.415, 1.585, 3.735), 21: (0.173, 0.425, 1.575, 3.778), 22: (0.167, 0.434, 1.566, 3.819),
    23: (0.162, 0.443, 1.557, 3.858), 24: (0.157, 0.451, 1.548, 3.895), 25: (0.153, 0.459, 1.541, 3.931),
}
MAX_SUBGROUP = 25


@dataclass
class Subgroup:
    label: str
    size: int
    mean: float
    range: float
    when: object = None
    ucl_x: float = 0.0
    lcl_x: float = 0.0
    cl_r: float = 0.0
    ucl_r: float = 0.0
    lcl_r: float = 0.0

    @property
    def x_out(self):
        return self.mean > self.ucl_x or self.mean < self.lcl_x

    @property
    def r_out(self):
        return self.range > self.ucl_r or self.range < self.lcl_r

    @property
    def out_of_control(self):
        return self.x_out or self.r_out


@dataclass
class ControlChart:
    subgroups: list
    grand_mean: float
    mean_range: float
    sigma: float
    lsl: float | None = None
    usl: float | None = None
    equal_sizes: bool = True
    cp: float | None = None
    cpk: float | None = None
    out_of_control: list = field(default_factory=list)

    @property
    def ucl_x(self):
        return self.subgroups[-1].ucl_x if self.subgroups else None

    @property
    def lcl_x(self):
        return self.subgroups[-1].lcl_x if self.subgroups else None

    @property
    def ucl_r(self):
        return self.subgroups[-1].ucl_r if self.subgroups else None

    @property
    def lcl_r(self):
        return self.subgroups[-1].lcl_r if self.subgroups else None


def xbar_r(subgroups, *, lsl=None, usl=None) -> ControlChart | None:
    """The X̄-R chart of subgroups (each with size 2..25, mean and range); None with fewer than 2."""
    subgroups = [s for s in subgroups if 2 <= s.size <= MAX_SUBGROUP]
    if len(subgroups) < 2:
        return None
    total = sum(s.size for s in subgroups)
    grand_mean = sum(s.mean * s.size for s in subgroups) / total
    sizes = {s.size for s in subgroups}
    equal = len(sizes) == 1
    if equal:
        mean_range = sum(s.range for s in subgroups) / len(subgroups)
        sigma = mean_range / CONSTANTS[subgroups[0].size][3]
    else:
        sigma = sum(s.range / CONSTANTS[s.size][3] for s in subgroups) / len(subgroups)
        mean_range = sum(CONSTANTS[s.size][3] for s in subgroups) * sigma / len(subgroups)
    for s in subgroups:
        a2, d3, d4, d2 = CONSTANTS[s.size]
        r_bar = mean_range if equal else d2 * sigma
        s.ucl_x, s.lcl_x = grand_mean + a2 * r_bar, grand_mean - a2 * r_bar
        s.cl_r, s.ucl_r, s.lcl_r = r_bar, d4 * r_bar, d3 * r_bar
    chart = ControlChart(subgroups=subgroups, grand_mean=grand_mean, mean_range=mean_range, sigma=sigma, lsl=lsl,
                         usl=usl, equal_sizes=equal, out_of_control=[s for s in subgroups if s.out_of_control])
    if sigma > 0 and lsl is not None and usl is not None:
        chart.cp = (usl - lsl) / (6 * sigma)
        chart.cpk = min(usl - grand_mean, grand_mean - lsl) / (3 * sigma)
    return chart


@dataclass
class ParetoBar:
    label: str
    count: int
    share: float = 0.0
    cumulative: float = 0.0
    defect_class: str = ""


def pareto(counts):
    """Bars (label, count) sorted by count, with share and cumulative share in percent."""
    bars = sorted((ParetoBar(label=label, count=count, defect_class=cls) for label, cls, count in counts if count),
                  key=lambda bar: (-bar.count, bar.label))
    total = sum(bar.count for bar in bars)
    running = 0
    for bar in bars:
        running += bar.count
        bar.share = 100.0 * bar.count / total
        bar.cumulative = 100.0 * running / total
    return bars

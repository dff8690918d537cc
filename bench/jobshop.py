"""Job-shop benchmark instances: reading them and turning them into scheduling problems. Only the
benchmarks use them (bench/scheduler.py, bench/schedule_file.py); the factory's scheduling reads its
work from the database (planning.plans), so this reader lives here, not in planning.

Two text formats are read:

- the standard (OR-Library) one: comment lines (``#``) and blank lines are skipped; the first line
  is "jobs machines", then one line per job with "machine duration" pairs in routing order, machines
  numbered from 0;
- Taillard's: a header line ("Nb of jobs, Nb of Machines, ...") and its values, then "Times" and a
  jobs x machines matrix, then "Machines" and a matrix of machines numbered from 1.

``taillard_instance`` reproduces Taillard's (1993) random generator, so his instances can be
rebuilt from their published seeds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.utils.translation import gettext as _

from planning.scheduling.model import Job, Operation, Problem, SchedulingInputError, WorkCenter

# Benchmarks count abstract time units; the scheduler's unit is the minute.
EPOCH = datetime(2026, 1, 5, tzinfo=UTC)


@dataclass(frozen=True)
class JobShopInstance:
    name: str
    machines: int
    jobs: tuple[tuple[tuple[int, int], ...], ...]  # per job, (machine, duration) in routing order

    def to_problem(self) -> Problem:
        centers = tuple(WorkCenter(code=f"M{m}") for m in range(self.machines))
        jobs = tuple(
            Job(id=f"J{j}", operations=tuple(Operation(id=k, center=f"M{machine}", run_per_unit=duration)
                                             for k, (machine, duration) in enumerate(route)))
            for j, route in enumerate(self.jobs))
        return Problem(centers=centers, jobs=jobs, start=EPOCH)

    def to_text(self) -> str:
        lines = [f"{len(self.jobs)} {self.machines}"]
        lines += [" ".join(f"{machine:2d} {duration:3d}" for machine, duration in route) for route in self.jobs]
        return "\n".join(lines) + "\n"


def _numbers(line: str, number: int) -> list[int]:
    try:
        return [int(token) for token in line.replace(",", " ").split()]
    except ValueError:
        raise SchedulingInputError(_("Line %(number)s holds something that is not a whole number.")
                                   % {"number": number}) from None


def parse(text: str, name: str = "instance") -> JobShopInstance:
    """Read either format (Taillard's is recognised by its "Times" section)."""
    lines = [(number, line.strip()) for number, line in enumerate(text.splitlines(), start=1)]
    lines = [(number, line) for number, line in lines if line and not line.startswith("#")]
    if not lines:
        raise SchedulingInputError(_("The instance is empty."))
    if any(line.lower() == "times" for _number, line in lines):
        return _parse_taillard(lines, name)
    number, first = lines[0]
    header = _numbers(first, number)
    if len(header) < 2 or header[0] < 1 or header[1] < 1:
        raise SchedulingInputError(_("The first line must give the number of jobs and of machines."))
    job_count, machines = header[0], header[1]
    rows = lines[1:]
    if len(rows) != job_count:
        raise SchedulingInputError(_("The header announces %(jobs)s jobs but %(rows)s job lines follow.")
                                   % {"jobs": job_count, "rows": len(rows)})
    jobs = []
    for number, line in rows:
        values = _numbers(line, number)
        if not values or len(values) % 2:
            raise SchedulingInputError(_("Line %(number)s must hold pairs of machine and duration.")
                                       % {"number": number})
        route = tuple(zip(values[::2], values[1::2], strict=True))
        _check_route(route, machines, number)
        jobs.append(route)
    return JobShopInstance(name, machines, tuple(jobs))


def _parse_taillard(lines, name):
    numeric = [(number, _numbers(line, number)) for number, line in lines
               if line.lower() not in ("times", "machines") and not line[0].isalpha()]
    labels = [line.lower() for _number, line in lines]
    number, header = numeric[0]
    if len(header) < 2:
        raise SchedulingInputError(_("The first line must give the number of jobs and of machines."))
    job_count, machines = header[0], header[1]
    rows = numeric[1:]
    if labels.count("times") != 1 or labels.count("machines") != 1 or len(rows) != 2 * job_count:
        raise SchedulingInputError(_("A Taillard instance needs a Times and a Machines matrix of one row per job."))
    times, order = rows[:job_count], rows[job_count:]
    jobs = []
    for (number, durations), (_number, sequence) in zip(times, order, strict=True):
        if len(durations) != len(sequence):
            raise SchedulingInputError(_("Line %(number)s and its machine line differ in length.")
                                       % {"number": number})
        route = tuple((machine - 1, duration) for machine, duration in zip(sequence, durations, strict=True))
        _check_route(route, machines, number)
        jobs.append(route)
    return JobShopInstance(name, machines, tuple(jobs))


def _check_route(route, machines, number):
    for machine, duration in route:
        if not 0 <= machine < machines:
            raise SchedulingInputError(_("Line %(number)s uses machine %(machine)s; machines are 0 to %(last)s.")
                                       % {"number": number, "machine": machine, "last": machines - 1})
        if duration <= 0:
            raise SchedulingInputError(_("Line %(number)s has a duration of %(duration)s; durations must be above "
                                         "zero.") % {"number": number, "duration": duration})


def read(path: str | Path) -> JobShopInstance:
    path = Path(path)
    return parse(path.read_text(encoding="utf-8"), name=path.stem)


# -- Taillard's generator ------------------------------------------------------------------------

TAILLARD_15X15 = {  # name: (time seed, machine seed, best known makespan) from Taillard (1993)
    "ta01": (840612802, 398197754, 1231),
    "ta02": (1314640371, 386720536, 1244),
    "ta03": (1227221349, 316176388, 1218),
    "ta04": (342269428, 1806358582, 1175),
    "ta05": (1603221416, 1501949241, 1224),
    "ta06": (1357584978, 1734077082, 1238),
    "ta07": (44531661, 1374316395, 1227),
    "ta08": (302545136, 2092186050, 1217),
    "ta09": (1153780144, 1393392374, 1274),
    "ta10": (73896786, 1544979948, 1241),
}


# Larger Taillard instances bundled for the optimiser's benchmark (bench/optimiser.py):
# name: (time seed, machine seed, jobs, machines, optimum). For each, the simple lower bound of the
# generated instance equals the published optimum, which checks the seeds.
TAILLARD_LARGE = {
    "ta51": (17271, 718939, 50, 15, 2760),            # 750 operations
    "ta61": (8493988, 2738939, 50, 20, 2868),         # 1,000 operations
    "ta71": (302034063, 1203569070, 100, 20, 5464),   # 2,000 operations
}

# Published optimal makespans (proven; open instances are left out rather than guessed). Sources:
# Fisher and Thompson (1963), Lawrence (1984), Taillard (1993), as collected in the OR-Library
# job-shop notes and the JSPLIB table (tamy0612/JSPLIB, instances.json); ta01-ta10 from Taillard's
# upper and lower bounds since closed. ta11-ta50, ta62 and ta67 are left out: open, or closed later
# than the tables we could check.
KNOWN_OPTIMA = {
    "ft06": 55, "ft10": 930, "ft20": 1165,
    "la01": 666, "la02": 655, "la03": 597, "la04": 590, "la05": 593,
    "la06": 926, "la07": 890, "la08": 863, "la09": 951, "la10": 958,
    "la11": 1222, "la12": 1039, "la13": 1150, "la14": 1292, "la15": 1207,
    "la16": 945, "la17": 784, "la18": 848, "la19": 842, "la20": 902,
    "la21": 1046, "la22": 927, "la23": 1032, "la24": 935, "la25": 977,
    "la26": 1218, "la27": 1235, "la28": 1216, "la29": 1152, "la30": 1355,
    "la31": 1784, "la32": 1850, "la33": 1719, "la34": 1721, "la35": 1888,
    "la36": 1268, "la37": 1397, "la38": 1196, "la39": 1233, "la40": 1222,
    **{name: values[2] for name, values in TAILLARD_15X15.items()},
    "ta51": 2760, "ta52": 2756, "ta53": 2717, "ta54": 2839, "ta55": 2679,
    "ta56": 2781, "ta57": 2943, "ta58": 2885, "ta59": 2655, "ta60": 2723,
    "ta61": 2868, "ta63": 2755, "ta64": 2702, "ta65": 2725,
    "ta66": 2845, "ta68": 2784, "ta69": 3071, "ta70": 2995,
    "ta71": 5464, "ta72": 5181, "ta73": 5568, "ta74": 5339, "ta75": 5392,
    "ta76": 5342, "ta77": 5436, "ta78": 5394, "ta79": 5358, "ta80": 5183,
}


def known_optimum(name: str) -> int | None:
    """The published optimum of a standard instance ("ft10", "ta01", "TA01.txt" read as "ta01")."""
    return KNOWN_OPTIMA.get(name.lower())


def gap_percent(makespan: int, optimum: int) -> float:
    return 100.0 * (makespan - optimum) / optimum


class _TaillardRandom:
    """Taillard's portable uniform generator (Lehmer, a = 16807, m = 2^31 - 1, Schrage's method)."""

    def __init__(self, seed: int):
        self.seed = seed

    def between(self, low: int, high: int) -> int:
        k = self.seed // 127773
        self.seed = 16807 * (self.seed % 127773) - k * 2836
        if self.seed < 0:
            self.seed += 2147483647
        return low + int(self.seed / 2147483647 * (high - low + 1))


def taillard_instance(name: str, time_seed: int, machine_seed: int, jobs: int = 15, machines: int = 15):
    times = _TaillardRandom(time_seed)
    durations = [[times.between(1, 99) for _m in range(machines)] for _j in range(jobs)]
    order_random = _TaillardRandom(machine_seed)
    routes = []
    for j in range(jobs):
        order = list(range(machines))
        for m in range(machines):
            other = order_random.between(m, machines - 1)
            order[m], order[other] = order[other], order[m]
        routes.append(tuple(zip(order, durations[j], strict=True)))
    return JobShopInstance(name, machines, tuple(routes))


def taillard_text(instance: JobShopInstance, time_seed: int, machine_seed: int, best_known: int) -> str:
    """Taillard's own file layout (machines numbered from 1)."""
    lines = ["Nb of jobs, Nb of Machines, Time seed, Machine seed, Upper bound, Lower bound",
             f"{len(instance.jobs):>10}{instance.machines:>10}{time_seed:>11}{machine_seed:>11}{best_known:>10}"
             f"{lower_bound(instance):>10}",
             "Times"]
    lines += [" ".join(f"{duration:3d}" for _machine, duration in route) for route in instance.jobs]
    lines.append("Machines")
    lines += [" ".join(f"{machine + 1:3d}" for machine, _duration in route) for route in instance.jobs]
    return "\n".join(lines) + "\n"


def lower_bound(instance: JobShopInstance) -> int:
    """The simple bound: the longest job or the busiest machine."""
    load = [0] * instance.machines
    for route in instance.jobs:
        for machine, duration in route:
            load[machine] += duration
    return max(max(load), max(sum(duration for _machine, duration in route) for route in instance.jobs))

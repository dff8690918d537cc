"""`.venv/bin/python bench/schedule_file.py PATH [--time-limit 10]`: schedule a job-shop benchmark instance
with the built-in scheduler and with the CP-SAT optimiser and print both makespans, their times and the gap.
Needs no database (as bench/scheduler.py).

PATH is a file in the standard format ("jobs machines", then "machine duration" pairs per job,
machines from 0) or in Taillard's format. Known optima are published for ft06, ft10, la01-la40 and
Taillard's instances, so the numbers can be compared with the literature.
"""

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if __name__ == "__main__":  # run as a script: the project importable, Django configured without a database
    sys.path.insert(0, str(ROOT))
    from django.conf import settings

    settings.configure(USE_I18N=False, USE_TZ=True)

from django.core.management.base import BaseCommand, CommandError  # noqa: E402 - after settings.configure
from django.utils.translation import gettext as _  # noqa: E402
from django.utils.translation import gettext_lazy  # noqa: E402

from bench import jobshop  # noqa: E402
from planning.scheduling import engine, optimizer  # noqa: E402
from planning.scheduling.model import SchedulingInputError  # noqa: E402
from planning.scheduling.validation import validate_schedule  # noqa: E402


class Command(BaseCommand):
    help = gettext_lazy("Schedule a job-shop instance file with the built-in scheduler and the CP-SAT optimiser.")
    requires_system_checks = []  # pure scheduling: runs without the app registry or a database

    def add_arguments(self, parser):
        parser.add_argument("path", help=gettext_lazy("instance file (standard job-shop or Taillard format)"))
        parser.add_argument("--time-limit", type=float, default=10.0,
                            help=gettext_lazy("seconds the optimiser may take (default 10)"))
        parser.add_argument("--workers", type=int, default=2, help=gettext_lazy("optimiser threads (default 2)"))
        parser.add_argument("--seed", type=int, default=0, help=gettext_lazy("random seed (default 0)"))

    def handle(self, *args, path, time_limit, workers, seed, **options):
        if not 0 < time_limit <= 3600:
            raise CommandError(_("--time-limit must be above 0 and at most 3600 seconds."))
        if not 1 <= workers <= 64:
            raise CommandError(_("--workers must be between 1 and 64."))
        try:
            instance = jobshop.read(path)
        except OSError as exc:
            raise CommandError(_("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc.strerror}) from None
        except (SchedulingInputError, UnicodeDecodeError) as exc:
            raise CommandError(_("%(path)s is not a job-shop instance: %(error)s") % {"path": path, "error": exc}) \
                from None
        problem = instance.to_problem()

        started = time.perf_counter()
        built_in = engine.schedule(problem, seed=seed)
        built_in_seconds = time.perf_counter() - started
        result = optimizer.optimize(problem, objective="makespan", time_limit=time_limit, workers=workers, seed=seed)
        for name, found in ((_("built-in"), built_in), (_("optimiser"), result.schedule)):
            errors = validate_schedule(problem, found)
            if errors:
                raise CommandError(_("The %(name)s schedule is invalid: %(error)s")
                                   % {"name": name, "error": errors[0]})

        best = result.schedule.makespan
        gap = 100.0 * (built_in.makespan - best) / best if best else 0.0
        status = {"optimal": _("optimal"), "feasible": _("time limit reached")}.get(result.status, result.status)
        self.stdout.write(_("%(name)s: %(jobs)s jobs x %(machines)s machines")
                          % {"name": instance.name, "jobs": len(instance.jobs), "machines": instance.machines})
        self.stdout.write(_("built-in scheduler: makespan %(makespan)s in %(ms).1f ms")
                          % {"makespan": built_in.makespan, "ms": built_in_seconds * 1000})
        self.stdout.write(_("optimiser (CP-SAT): makespan %(makespan)s in %(s).2f s "
                            "(%(status)s, lower bound %(bound)s)")
                          % {"makespan": best, "s": result.seconds, "status": status,
                             "bound": "-" if result.bound is None else int(result.bound)})
        self.stdout.write(_("gap: %(gap).1f %%") % {"gap": gap})


if __name__ == "__main__":
    Command().run_from_argv(["schedule_file", "schedule_file", *sys.argv[1:]])

"""`.venv/bin/python bench/schedule_file.py PATH [--time-limit 10] [--optimum N] [--no-optimiser] [--plain]`:
schedule a job-shop benchmark instance with the built-in scheduler and with the CP-SAT optimiser and print
both makespans, their times and each one's gap to the optimum (`--help` lists the options). Needs no
database (as bench/scheduler.py). It is a bench script, not a `manage.py` command: apps never import
bench/, where the instance reader lives.

Output lines (scripts read them; keep them stable):

    ft10: 10 jobs x 10 machines
    optimum: 930
    built-in scheduler: makespan 980 in 52.1 ms
    built-in gap to the optimum: 5.4 %
    optimiser (CP-SAT): makespan 930 in 10.00 s (time limit reached, lower bound 913)
    optimiser gap to the optimum: 0.0 %

When the optimiser finds no solution in its time it prints "optimiser (CP-SAT): no solution in T s (…)"
and no gap.

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

from bench import jobshop  # noqa: E402
from planning.scheduling import engine, optimizer  # noqa: E402
from planning.scheduling.model import SchedulingInputError  # noqa: E402
from planning.scheduling.validation import validate_schedule  # noqa: E402


class Command(BaseCommand):
    # Help texts are plain strings: argparse formats them with "%" before Django could translate a lazy
    # string, and a lazy one made `--help` crash (TypeError). This is a developer's bench tool.
    help = ("Schedule a job-shop instance file with the built-in scheduler and the CP-SAT optimiser, "
            "and print each makespan's gap to the published optimum.")
    requires_system_checks = []  # pure scheduling: runs without the app registry or a database

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.prog = "python bench/schedule_file.py"  # it runs as a script, not as `manage.py schedule_file`
        return parser

    def add_arguments(self, parser):
        parser.add_argument("path", help="instance file (standard job-shop or Taillard format)")
        parser.add_argument("--time-limit", type=float, default=10.0,
                            help="seconds the optimiser may take (default 10)")
        parser.add_argument("--workers", type=int, default=2, help="optimiser threads (default 2)")
        parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
        parser.add_argument("--optimum", type=int, default=None,
                            help="the instance's optimal (or best known) makespan, for the gaps; default: "
                                 "the published optimum when the file's name is a standard instance "
                                 "(ft06, ft10, la01-la40, ta01-ta10, ta51-ta80)")
        parser.add_argument("--no-optimiser", action="store_true", help="run the built-in scheduler only")
        parser.add_argument("--plain", action="store_true",
                            help="plain CP-SAT on the whole model (no large-neighbourhood search)")

    def handle(self, *args, path, time_limit, workers, seed, optimum, no_optimiser, plain, **options):
        if not 0 < time_limit <= 3600:
            raise CommandError(_("--time-limit must be above 0 and at most 3600 seconds."))
        if not 1 <= workers <= 64:
            raise CommandError(_("--workers must be between 1 and 64."))
        if optimum is not None and optimum < 1:
            raise CommandError(_("--optimum must be a makespan above zero."))
        try:
            instance = jobshop.read(path)
        except OSError as exc:
            raise CommandError(_("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc.strerror}) from None
        except (SchedulingInputError, UnicodeDecodeError) as exc:
            raise CommandError(_("%(path)s is not a job-shop instance: %(error)s") % {"path": path, "error": exc}) \
                from None
        problem = instance.to_problem()
        optimum = optimum or jobshop.known_optimum(instance.name)

        started = time.perf_counter()
        built_in = engine.schedule(problem, seed=seed)
        built_in_seconds = time.perf_counter() - started
        self._check(problem, _("built-in"), built_in)
        self.stdout.write(_("%(name)s: %(jobs)s jobs x %(machines)s machines")
                          % {"name": instance.name, "jobs": len(instance.jobs), "machines": instance.machines})
        if optimum:
            self.stdout.write(_("optimum: %(optimum)s") % {"optimum": optimum})
        else:
            self.stdout.write(_("optimum: unknown (give --optimum N to see the gaps)"))
        self.stdout.write(_("built-in scheduler: makespan %(makespan)s in %(ms).1f ms")
                          % {"makespan": built_in.makespan, "ms": built_in_seconds * 1000})
        self._gap(_("built-in"), built_in.makespan, optimum)
        if no_optimiser:
            return
        result = optimizer.optimize(problem, objective="makespan", time_limit=time_limit, workers=workers, seed=seed,
                                    strategy="plain" if plain else "lns")
        if result.objective is None:  # no solution within the limit: the schedule is only the built-in hint
            self.stdout.write(_("optimiser (CP-SAT): no solution in %(s).2f s (%(status)s)")
                              % {"s": result.seconds, "status": result.status})
            return
        self._check(problem, _("optimiser"), result.schedule)
        status = {"optimal": _("optimal"), "feasible": _("time limit reached")}.get(result.status, result.status)
        self.stdout.write(_("optimiser (CP-SAT): makespan %(makespan)s in %(s).2f s "
                            "(%(status)s, lower bound %(bound)s)")
                          % {"makespan": result.schedule.makespan, "s": result.seconds, "status": status,
                             "bound": "-" if result.bound is None else int(result.bound)})
        self._gap(_("optimiser"), result.schedule.makespan, optimum)

    def _check(self, problem, name, found):
        errors = validate_schedule(problem, found)
        if errors:
            raise CommandError(_("The %(name)s schedule is invalid: %(error)s") % {"name": name, "error": errors[0]})

    def _gap(self, name, makespan, optimum):
        if optimum:
            self.stdout.write(_("%(name)s gap to the optimum: %(gap).1f %%")
                              % {"name": name, "gap": jobshop.gap_percent(makespan, optimum)})


if __name__ == "__main__":
    Command().run_from_argv(["schedule_file", "schedule_file", *sys.argv[1:]])

"""`manage.py seed_demo`: demo data for `make run`; `manage.py seed_demo --orders N`: scale data.

See orders/demo_data.py and orders/scale_data.py for what is created. Both refuse to run on a site with DEBUG off unless
--force is given: demo users share a published password, and scale data is made-up orders.
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from accounts.roles import ROLES
from orders import demo_data, scale_data


class Command(BaseCommand):
    help = ("Create demo data (one user per role, customers, products, ~60 orders in every state). "
            "With --orders N, bulk-insert N generated orders with lines and events for benchmarks.")

    def add_arguments(self, parser):
        parser.add_argument("--orders", type=int, default=None,
                            help="Generate this many orders in bulk (scale data) instead of the demo set.")
        parser.add_argument("--lines-per-order", type=int, default=None,
                            help="With --orders: exactly this many lines per order (default 1-6, about 3).")
        parser.add_argument("--batch-size", type=int, default=2000, help="With --orders: orders per transaction.")
        parser.add_argument("--seed", type=int, default=None, help="With --orders: random seed (repeatable data).")
        parser.add_argument("--force", action="store_true",
                            help="Run even though DEBUG is off (never on a real site).")

    def handle(self, *args, orders=None, lines_per_order=None, batch_size=2000, seed=None, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("DEBUG is off: this looks like a real site. Demo users share a published password "
                               "and scale data is made up. Use --force only on a demo or benchmark database.")
        if orders is not None:
            self._scale(orders, lines_per_order=lines_per_order, batch_size=batch_size, seed=seed)
        else:
            self._demo()

    def _demo(self):
        # Demo users have made-up addresses: alerts raised while seeding (rush orders) are recorded
        # but their e-mails go nowhere, even when a real mail server is configured.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            summary = demo_data.seed_demo()
        if summary["skipped"]:
            self.stdout.write(f"Demo data already seeded: users, customers and products checked, no orders added. "
                              f"Log in as any role name (sales, order_desk, ..., admin) with the password "
                              f"“{demo_data.DEMO_PASSWORD}”.")
            return
        self.stdout.write(self.style.SUCCESS(
            f"Demo data created: {summary['users']} users, {summary['customers']} customers, "
            f"{summary['products']} products, {summary['orders']} orders."))
        self.stdout.write(f"Log in as any role name ({', '.join(ROLES)}) with the password "
                          f"“{demo_data.DEMO_PASSWORD}”.")

    def _scale(self, count, *, lines_per_order, batch_size, seed):
        if count < 1:
            raise CommandError("--orders must be at least 1.")
        if lines_per_order is not None and not 1 <= lines_per_order <= 200:
            raise CommandError("--lines-per-order must be between 1 and 200.")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        started = time.monotonic()
        step = max(batch_size, count // 10)

        def progress(done, total):
            if done % step < batch_size or done == total:
                self.stdout.write(f"  {done}/{total} orders ({time.monotonic() - started:.0f} s)")

        result = scale_data.generate_orders(count, lines_per_order=lines_per_order, batch_size=batch_size,
                                            rng_seed=seed, progress=progress)
        took = time.monotonic() - started
        statuses = ", ".join(f"{status} {n}" for status, n in sorted(result.by_status.items()))
        self.stdout.write(self.style.SUCCESS(
            f"Generated {result.orders} orders, {result.lines} lines, {result.events} events in {took:.1f} s "
            f"({result.lines / result.orders:.1f} lines and {result.events / result.orders:.1f} events per order)."))
        self.stdout.write(f"By status: {statuses}")

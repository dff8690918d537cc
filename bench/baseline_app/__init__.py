"""A minimal Django view that inserts one row: the yardstick for the order-creation throughput.

It runs on the same stack as the product (same settings, middleware, session login, CSRF check,
gunicorn, database), so the ratio product/baseline shows what the order entry itself costs.
"""

from django.apps import AppConfig


class BaselineAppConfig(AppConfig):
    name = "bench.baseline_app"
    label = "baseline_app"
    verbose_name = "Benchmark baseline"

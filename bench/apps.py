from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Installed only when SAFETYOPS_BENCH=1: the benchmark's ceiling page."""

    name = "bench"
    verbose_name = "benchmark"

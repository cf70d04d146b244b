from django.urls import path

from bench.views import ceiling, layout

app_name = "bench"
urlpatterns = [
    path("bench/ceiling/", ceiling, name="bench_ceiling"),
    path("bench/layout/", layout, name="bench_layout"),
]

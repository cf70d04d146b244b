from django.urls import path

from bench.views import ceiling

app_name = "bench"
urlpatterns = [path("bench/ceiling/", ceiling, name="bench_ceiling")]

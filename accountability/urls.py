from django.urls import path  # noqa: F401

app_name = "accountability"

urlpatterns: list = [
    # Letters and pledges (accountability/views/letters.py): templates, cascades, signing, coverage
    # The daily 安全风险研判与承诺公告 (accountability/views/daily.py): board, publishing, history, flags
]

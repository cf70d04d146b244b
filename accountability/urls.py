from django.urls import path

from accountability.views import daily

app_name = "accountability"

urlpatterns: list = [
    # Letters and pledges (accountability/views/letters.py): templates, cascades, signing, coverage
    # The daily 安全风险研判与承诺公告 (accountability/views/daily.py): board, publishing, history, flags
    path("daily/", daily.daily_board, name="daily_board"),
    path("daily/export/", daily.daily_board_export, name="daily_board_export"),
    path("daily/publish/", daily.daily_publish, name="daily_publish"),
    path("daily/settings/", daily.daily_settings, name="daily_settings"),
    path("daily/enterprise/<int:pk>/", daily.daily_history, name="daily_history"),
    path("daily/<int:pk>/", daily.daily_pledge, name="daily_pledge"),
    path("daily/<int:pk>/pdf/", daily.daily_pledge_pdf, name="daily_pledge_pdf"),
    path("daily/flags/<int:pk>/", daily.daily_flag, name="daily_flag"),
]

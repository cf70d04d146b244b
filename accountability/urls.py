from django.urls import path

from accountability.views import files

app_name = "accountability"

urlpatterns: list = [
    # Letters and pledges (accountability/views/letters.py): templates, cascades, signing, coverage
    # The daily 安全风险研判与承诺公告 (accountability/views/daily.py): board, publishing, history, flags
    # Files and exports (accountability/views/files.py): a letter's PDF, 签署核验, the signing-rate workbook
    path("letters/<int:pk>/pdf/", files.letter_pdf_download, name="letter_pdf"),
    path("verify/", files.letter_verify, name="letter_verify"),
    path("coverage.xlsx", files.coverage_export, name="coverage_export"),
]

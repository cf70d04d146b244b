from django.urls import path

from accountability.views import accidents, assessments, copies, daily, files, indicators, letters, summonses

app_name = "accountability"

urlpatterns: list = [
    # Letters and pledges (accountability/views/letters.py): templates, cascades, signing, coverage
    path("", letters.overview, name="overview"),
    path("coverage/", letters.coverage_page, name="coverage"),
    path("letters/new/", letters.template_create, name="template_create"),
    path("letters/<int:pk>/", letters.template_detail, name="template_detail"),
    path("letters/<int:pk>/edit/", letters.template_edit, name="template_edit"),
    path("letters/<int:pk>/address/", letters.template_address, name="template_address"),
    path("letters/<int:pk>/issue/", letters.template_issue, name="template_issue"),
    path("letters/<int:pk>/discard/", letters.template_discard, name="template_discard"),
    # One addressee's copy (accountability/views/copies.py): the document, signing, the paper path
    path("copies/<int:pk>/", copies.letter_detail, name="letter_detail"),
    path("copies/<int:pk>/edit/", copies.letter_edit, name="letter_edit"),
    path("copies/<int:pk>/sign/", copies.letter_sign, name="letter_sign"),
    path("copies/<int:pk>/countersign/", copies.letter_countersign, name="letter_countersign"),
    path("copies/<int:pk>/revise/", copies.letter_revise, name="letter_revise"),
    path("copies/<int:pk>/withdraw/", copies.letter_withdraw, name="letter_withdraw"),
    # The daily 安全风险研判与承诺公告 (accountability/views/daily.py): board, publishing, history, flags
    # Files and exports (accountability/views/files.py): a letter's PDF, 签署核验, the signing-rate workbook
    path("copies/<int:pk>/pdf/", files.letter_pdf_download, name="letter_pdf"),
    path("verify/", files.letter_verify, name="letter_verify"),
    path("coverage.xlsx", files.coverage_export, name="coverage_export"),
    path("daily/", daily.daily_board, name="daily_board"),
    path("daily/export/", daily.daily_board_export, name="daily_board_export"),
    path("daily/publish/", daily.daily_publish, name="daily_publish"),
    path("daily/settings/", daily.daily_settings, name="daily_settings"),
    path("daily/enterprise/<int:pk>/", daily.daily_history, name="daily_history"),
    path("daily/<int:pk>/", daily.daily_pledge, name="daily_pledge"),
    path("daily/<int:pk>/pdf/", daily.daily_pledge_pdf, name="daily_pledge_pdf"),
    path("daily/flags/<int:pk>/", daily.daily_flag, name="daily_flag"),
    # Accidents (accountability/views/accidents.py): registry, revisions, investigation, 四不放过
    path("accidents/", accidents.accident_list, name="accident_list"),
    path("accidents.xlsx", accidents.accident_export, name="accident_export"),
    path("accidents/new/", accidents.accident_create, name="accident_create"),
    path("accidents/<int:pk>/", accidents.accident_detail, name="accident_detail"),
    path("accidents/<int:pk>/edit/", accidents.accident_edit, name="accident_edit"),
    path("accidents/<int:pk>/revise/", accidents.accident_revise, name="accident_revise"),
    path("accidents/<int:pk>/forward/", accidents.accident_forward, name="accident_forward"),
    path("accidents/<int:pk>/misreport/", accidents.accident_misreport, name="accident_misreport"),
    path("accidents/<int:pk>/investigate/", accidents.accident_investigate, name="accident_investigate"),
    path("accidents/<int:pk>/report/", accidents.accident_report, name="accident_report"),
    path("accidents/<int:pk>/reply/", accidents.accident_reply, name="accident_reply"),
    path(
        "accidents/<int:pk>/responsibility/", accidents.accident_responsibility_add, name="accident_responsibility_add"
    ),
    path(
        "accidents/<int:pk>/responsibility/<int:rpk>/remove/",
        accidents.accident_responsibility_remove,
        name="accident_responsibility_remove",
    ),
    path(
        "accidents/<int:pk>/follow-ups/<int:fpk>/due/", accidents.accident_follow_up_due, name="accident_follow_up_due"
    ),
    path(
        "accidents/<int:pk>/follow-ups/<int:fpk>/done/",
        accidents.accident_follow_up_done,
        name="accident_follow_up_done",
    ),
    path("accidents/<int:pk>/close/", accidents.accident_close, name="accident_close"),
    # Control indicators (accountability/views/indicators.py): limits and usage
    path("indicators/", indicators.indicators, name="indicators"),
    path("indicators/<int:pk>/limits/", indicators.indicator_limits, name="indicator_limits"),
    # 约谈/督办 (accountability/views/summonses.py)
    path("summonses/", summonses.summons_list, name="summons_list"),
    path("summonses/new/", summonses.summons_create, name="summons_create"),
    path("summonses/<int:pk>/", summonses.summons_detail, name="summons_detail"),
    path("summonses/<int:pk>/pdf/", summonses.summons_pdf_download, name="summons_pdf"),
    path("summonses/<int:pk>/record/", summonses.summons_record, name="summons_record"),
    path("summonses/<int:pk>/report/", summonses.summons_report, name="summons_report"),
    path(
        "summonses/<int:pk>/commitments/<int:commitment_pk>/done/",
        summonses.summons_commitment_done,
        name="summons_commitment_done",
    ),
    path("summonses/<int:pk>/follow-up/", summonses.summons_follow_up, name="summons_follow_up"),
    path("summonses/<int:pk>/close/", summonses.summons_close, name="summons_close"),
    path("summonses/<int:pk>/cancel/", summonses.summons_cancel, name="summons_cancel"),
    # 年度考核 (accountability/views/assessments.py)
    path("assessments/", assessments.assessment_round, name="assessment_round"),
    path("assessments/open/", assessments.assessment_open, name="assessment_open"),
    path("assessments/export.xlsx", assessments.assessment_export, name="assessment_export"),
    path("assessments/report.pdf", assessments.assessment_report_pdf, name="assessment_report_pdf"),
    path("assessments/<int:pk>/", assessments.assessment_detail, name="assessment_detail"),
    path("assessments/<int:pk>/score/", assessments.assessment_rescore, name="assessment_rescore"),
    path("assessments/<int:pk>/veto/", assessments.assessment_veto_review, name="assessment_veto_review"),
    path("assessments/<int:pk>/finalise/", assessments.assessment_finalise, name="assessment_finalise"),
    path("assessments/rows/<int:pk>/", assessments.assessment_item_score, name="assessment_item_score"),
]

"""The 危化 daily 安全风险研判与承诺公告 (DOMAIN §6): who publishes and by when (coverage), publishing
and reviewing (services), the officials' board and the per-enterprise history (board), 承诺不实
(flags), reminders (notices), the PDF and the workbook (documents), the dashboard card and the
briefing part."""

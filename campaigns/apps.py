from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = "专项行动"

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_save

        from campaigns import (
            briefing,
            dashboard,
            export_kinds,
            lifecycle,
            notices,
            reports,
            rights,
            signals,
            targets,
        )
        from safetyops.core.audit import register_action_labels
        from safetyops.orgs.models import Enterprise

        rights.declare()
        register_action_labels(lifecycle.action_labels())
        briefing.register()
        dashboard.register()
        reports.register_figures()
        export_kinds.register()
        notices.register_rules()
        signals.campaign_launched.connect(notices.campaign_launched, dispatch_uid="campaign-tell-units")
        # Active campaigns' target lists follow the enterprises (campaigns/targets.py).
        post_save.connect(targets.enterprise_saved, sender=Enterprise, dispatch_uid="campaign-targets-enterprise")
        m2m_changed.connect(
            targets.enterprise_sectors_changed,
            sender=Enterprise.sectors.through,
            dispatch_uid="campaign-targets-sectors",
        )

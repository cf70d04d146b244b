from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = "隐患排查治理"

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

        from inspections import briefing, dashboard, figures, ledger_export, lifecycle, notices, rights, tally, timeline
        from inspections.forms import ledger as ledger_form
        from inspections.models import Hazard, HazardExtension
        from inspections.reminders import register_rules
        from inspections.statistics import register_rules as register_statistics_rules
        from safetyops.core.audit import register_action_labels
        from safetyops.orgs.models import Enterprise, Node, Sector

        register_action_labels(timeline.ACTION_LABELS)
        rights.declare()
        register_action_labels(lifecycle.action_labels())
        register_rules()
        register_statistics_rules()
        notices.register_reasons()
        briefing.register()
        figures.register()
        dashboard.register()
        ledger_export.register()
        # The per-node hazard counts follow every change (see inspections/tally.py).
        for signal in (post_save, post_delete):
            signal.connect(tally.hazard_changed, sender=Hazard, dispatch_uid="tally-hazard")
            signal.connect(tally.extension_changed, sender=HazardExtension, dispatch_uid="tally-extension")
        pre_save.connect(tally.enterprise_moving, sender=Enterprise, dispatch_uid="tally-enterprise-pre")
        post_save.connect(tally.enterprise_moved, sender=Enterprise, dispatch_uid="tally-enterprise-post")
        # The ledger filter's kept option lists follow every change to what they list.
        for model in (Node, Sector, Enterprise, "campaigns.Campaign"):  # by name: see .importlinter
            for signal in (post_save, post_delete):
                signal.connect(ledger_form.ledger_options_changed, sender=model, dispatch_uid=f"ledger-options-{model}")
        m2m_changed.connect(
            ledger_form.ledger_options_changed, sender=Enterprise.sectors.through, dispatch_uid="ledger-options-sectors"
        )
        post_save.connect(ledger_form.hazard_saved, sender=Hazard, dispatch_uid="ledger-options-hazard")
        post_delete.connect(ledger_form.hazard_deleted, sender=Hazard, dispatch_uid="ledger-options-hazard-deleted")

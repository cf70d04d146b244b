from django.apps import AppConfig


class AccountabilityConfig(AppConfig):
    name = "accountability"
    verbose_name = "责任落实"

    def ready(self) -> None:
        from accountability import briefing, dashboard, exports, lifecycle, notices, rights
        from accountability.models import Letter
        from accountability.scope import letters_visible_to
        from safetyops.core.audit import register_action_labels
        from safetyops.evidence.scope import register_owner_scope

        rights.declare()
        # A letter's paper scan follows the letter, not its area (a department's, the county's to a township).
        register_owner_scope(Letter, letters_visible_to)
        register_action_labels(lifecycle.action_labels())
        notices.register_reasons()
        notices.register_rules()
        briefing.register()
        dashboard.register()
        exports.register()
        self._daily_pledges()
        self._accidents()
        self._indicators()
        self._summonses()
        self._assessments()

    def _daily_pledges(self) -> None:
        """The daily 承诺公告 (accountability/daily): audit labels, rules, hooks, contributions."""
        from accountability.daily import board_export as daily_board_export
        from accountability.daily import briefing as daily_briefing
        from accountability.daily import dashboard as daily_dashboard
        from accountability.daily import flags as daily_flags
        from accountability.daily import notices as daily_notices
        from accountability.daily import services as daily_services
        from accountability.daily import tasks as daily_tasks  # noqa: F401 - registers the beat task
        from safetyops.core.audit import register_action_labels
        from safetyops.core.signals import hazard_registered

        register_action_labels(daily_services.action_labels())
        daily_notices.register_rules()
        daily_dashboard.register()
        daily_briefing.register()
        daily_board_export.register()
        hazard_registered.connect(daily_flags.hazard_registered, dispatch_uid="daily-pledge-flags-hazard")

    def _accidents(self) -> None:
        """The accident registry (accountability/accidents): evidence scopes, labels, rules."""
        from accountability.accidents import export as accident_export
        from accountability.accidents import lifecycle as accident_lifecycle
        from accountability.accidents import notices as accident_notices
        from accountability.models import Accident, AccidentFollowUp
        from accountability.scope import accidents_visible_to
        from safetyops.core.audit import register_action_labels
        from safetyops.evidence.scope import register_owner_scope

        register_owner_scope(Accident, accidents_visible_to)
        register_owner_scope(
            AccidentFollowUp, lambda user: AccidentFollowUp.objects.filter(accident__in=accidents_visible_to(user))
        )
        register_action_labels(accident_lifecycle.action_labels())
        accident_notices.register_rules()
        accident_export.register()

    def _indicators(self) -> None:
        """Control indicators (accountability/indicators): warning rules, dashboard and briefing parts."""
        from accountability.accidents.signals import accident_changed
        from accountability.indicators import briefing as indicator_briefing
        from accountability.indicators import dashboard as indicator_dashboard
        from accountability.indicators import services as indicator_services
        from accountability.indicators import tasks as indicator_tasks  # noqa: F401 - registers the tasks
        from accountability.indicators import warnings as indicator_warnings
        from safetyops.core.audit import register_action_labels

        register_action_labels(indicator_services.action_labels())
        indicator_warnings.register_rules()
        indicator_dashboard.register()
        indicator_briefing.register()
        accident_changed.connect(indicator_warnings.accident_changed, dispatch_uid="indicator-warnings-accident")

    def _summonses(self) -> None:
        """约谈/督办 (accountability/summons): evidence scope, labels, rules, briefing part."""
        from accountability.models import Summons
        from accountability.scope import summonses_visible_to
        from accountability.summons import briefing as summons_briefing
        from accountability.summons import lifecycle as summons_lifecycle
        from accountability.summons import notices as summons_notices
        from safetyops.core.audit import register_action_labels
        from safetyops.evidence.scope import register_owner_scope

        register_owner_scope(Summons, summonses_visible_to)
        register_action_labels(summons_lifecycle.action_labels())
        summons_notices.register_all()
        summons_briefing.register()

    def _assessments(self) -> None:
        """年度考核 (accountability/assessments): evidence scope, labels."""
        from accountability.assessments import lifecycle as assessment_lifecycle
        from accountability.assessments import notices as assessment_notices
        from accountability.models import AssessmentItem
        from accountability.scope import assessments_visible_to
        from safetyops.core.audit import register_action_labels
        from safetyops.evidence.scope import register_owner_scope

        register_owner_scope(
            AssessmentItem, lambda user: AssessmentItem.objects.filter(assessment__in=assessments_visible_to(user))
        )
        register_action_labels(assessment_lifecycle.action_labels())
        assessment_notices.register_reasons()

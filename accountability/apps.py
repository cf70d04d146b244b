from django.apps import AppConfig


class AccountabilityConfig(AppConfig):
    name = "accountability"
    verbose_name = "责任落实"

    def ready(self) -> None:
        from accountability import briefing, dashboard, lifecycle, notices, rights
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
        self._daily_pledges()
        self._accidents()
        self._indicators()
        self._summonses()
        self._assessments()

    def _daily_pledges(self) -> None:
        """The daily 承诺公告 (accountability/daily): audit labels, rules, hooks, contributions."""
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
        hazard_registered.connect(daily_flags.hazard_registered, dispatch_uid="daily-pledge-flags-hazard")

    def _accidents(self) -> None:
        """The accident registry (accountability/accidents): evidence scopes, labels, rules."""
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

    def _indicators(self) -> None:
        """Control indicators (accountability/indicators): warning rules, dashboard and briefing parts."""

    def _summonses(self) -> None:
        """约谈/督办 (accountability/summons): evidence scope, labels, rules, briefing part."""
        from accountability.models import Summons
        from accountability.scope import summonses_visible_to
        from safetyops.evidence.scope import register_owner_scope

        register_owner_scope(Summons, summonses_visible_to)

    def _assessments(self) -> None:
        """年度考核 (accountability/assessments): evidence scope, labels."""
        from accountability.models import AssessmentItem
        from accountability.scope import assessments_visible_to
        from safetyops.evidence.scope import register_owner_scope

        register_owner_scope(
            AssessmentItem, lambda user: AssessmentItem.objects.filter(assessment__in=assessments_visible_to(user))
        )

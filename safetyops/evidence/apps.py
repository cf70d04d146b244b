from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "safetyops.evidence"
    label = "evidence"
    verbose_name = "证据材料与签名"

    def ready(self) -> None:
        from django.db.models.signals import pre_delete
        from django.utils.translation import gettext_lazy as _

        from safetyops.core.audit import register_action_labels
        from safetyops.evidence.models import Attachment, Signature, refuse_delete

        # Also stops the cascade through an owner's GenericRelation: no owner's delete takes its evidence along.
        pre_delete.connect(refuse_delete, sender=Attachment, dispatch_uid="evidence-attachment-append-only")
        pre_delete.connect(refuse_delete, sender=Signature, dispatch_uid="evidence-signature-append-only")
        register_action_labels({"evidence.signature.countersigned": _("确认纸质签字扫描件")})

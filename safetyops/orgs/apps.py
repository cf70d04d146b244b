from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "safetyops.orgs"
    label = "orgs"
    verbose_name = "组织与企业"

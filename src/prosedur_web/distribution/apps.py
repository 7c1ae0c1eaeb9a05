from django.apps import AppConfig


class DistributionConfig(AppConfig):
    name = "prosedur_web.distribution"
    label = "distribution"
    default_auto_field = "django.db.models.BigAutoField"

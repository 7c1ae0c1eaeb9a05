from django.apps import AppConfig


class SocialisationConfig(AppConfig):
    name = "prosedur_web.socialisation"
    label = "socialisation"
    default_auto_field = "django.db.models.BigAutoField"

from django.apps import AppConfig


class ProceduresConfig(AppConfig):
    name = "prosedur_web.procedures"
    label = "procedures"
    default_auto_field = "django.db.models.BigAutoField"

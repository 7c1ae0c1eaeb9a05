from django.apps import AppConfig


class SopImportConfig(AppConfig):
    name = "prosedur_web.sopimport"
    label = "sopimport"
    default_auto_field = "django.db.models.BigAutoField"

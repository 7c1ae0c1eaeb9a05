from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "prosedur_web.common"
    label = "common"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the signing certificate's system checks

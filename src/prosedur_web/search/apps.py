from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "prosedur_web.search"
    label = "search"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from prosedur_web.procedures.models import Revision

        from .services import on_revision_saved

        post_save.connect(on_revision_saved, sender=Revision, dispatch_uid="search_index_revision")

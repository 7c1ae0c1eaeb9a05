from django.urls import path

from . import views

app_name = "socialisation"
urlpatterns = [
    path("revisi/<int:pk>/paham/", views.acknowledgement_create, name="acknowledgement_create"),
    path("perlu-dibaca/", views.pending_list, name="pending_list"),
    path("kemajuan/", views.progress_list, name="progress_list"),
    path("kemajuan/prosedur/<int:pk>/", views.progress_detail, name="progress_detail"),
]

from django.urls import path

from . import views

app_name = "socialisation"
urlpatterns = [
    path("revisi/<int:pk>/paham/", views.acknowledgement_create, name="acknowledgement_create"),
]

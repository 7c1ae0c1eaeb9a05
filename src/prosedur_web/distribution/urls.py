from django.urls import path

from . import views

app_name = "distribution"
urlpatterns = [
    path("", views.notification_list, name="notification_list"),
    path("tandai-dibaca/", views.notifications_mark_read, name="notifications_mark_read"),
]

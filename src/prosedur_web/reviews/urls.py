from django.urls import path

from . import views

app_name = "reviews"
urlpatterns = [
    path("revisi/<int:pk>/keputusan/", views.review_decide, name="review_decide"),
    path("revisi/<int:pk>/komentar/", views.comment_create, name="comment_create"),
    path("komentar/<int:pk>/selesai/", views.comment_resolve, name="comment_resolve"),
]

from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("masuk/", views.UserLoginView.as_view(), name="login"),
    path("keluar/", views.UserLogoutView.as_view(), name="logout"),
]

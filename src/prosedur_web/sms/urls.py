from django.urls import path

from . import views

app_name = "sms"
urlpatterns = [
    path("cakupan/", views.coverage_view, name="coverage"),
    path("cakupan/unduh.<str:fmt>", views.coverage_export, name="coverage_export"),
    path("daftar/<str:kind>/", views.register_view, name="register"),
    path("daftar/<str:kind>/unduh.<str:fmt>", views.register_export, name="register_export"),
    path("tinjauan-berkala/", views.review_calendar, name="review_calendar"),
    path("tinjauan-berkala/<int:pk>/tanpa-perubahan/", views.reviewrecord_create, name="reviewrecord_create"),
    path("sosialisasi/", views.socialisation_dashboard, name="socialisation_dashboard"),
    path("laporan-bulanan/", views.monthly_report, name="monthly_report"),
    path("laporan-bulanan/unduh.<str:fmt>", views.monthly_report_export, name="monthly_report_export"),
]

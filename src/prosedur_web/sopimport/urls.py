from django.urls import path

from . import views

app_name = "sopimport"
urlpatterns = [
    path("", views.sop_upload, name="sop_upload"),
    path("batch/<int:pk>/", views.batch_detail, name="batch_detail"),
    path("batch/<int:pk>/status/", views.batch_status, name="batch_status"),
    path("berkas/<int:pk>/asli/", views.file_original, name="file_original"),
    path("berkas/<int:pk>/halaman/<int:page>.png", views.file_page, name="file_page"),
]

from django.urls import path

from . import diff, downloads, editor, reversal_views, transfer, verification, views, wizard

app_name = "procedures"
urlpatterns = [
    path("", views.procedure_list, name="procedure_list"),
    path("prosedur/<int:pk>/", views.procedure_detail, name="procedure_detail"),
    path("prosedur/<int:pk>/revisi-baru/", views.revision_start, name="revision_start"),
    path("revisi/<int:pk>/", views.revision_detail, name="revision_detail"),
    path("revisi/<int:pk>/sunting/", views.revision_edit, name="revision_edit"),
    path("revisi/<int:pk>/penyunting/", editor.revision_editor, name="revision_editor"),
    path("revisi/<int:pk>/penyunting/simpan/", editor.revision_editor_save, name="revision_editor_save"),
    path("revisi/<int:pk>/penyunting/pratinjau/", editor.revision_editor_preview, name="revision_editor_preview"),
    path("revisi/<int:pk>/perbedaan/", diff.revision_diff, name="revision_diff"),
    path("prosedur/<int:pk>/redline/", diff.procedure_redline, name="procedure_redline"),
    path("revisi/<int:pk>/ajukan/", views.revision_submit, name="revision_submit"),
    path("revisi/<int:pk>/sahkan/", views.revision_approve, name="revision_approve"),
    path("revisi/<int:pk>/kembalikan/<slug:action>/", reversal_views.revision_reverse, name="revision_reverse"),
    path("prosedur/<int:pk>/cabut/", reversal_views.procedure_withdraw, name="procedure_withdraw"),
    path("revisi/<int:pk>/unduh/<str:fmt>/", downloads.revision_download_view, name="revision_download"),
    path("prosedur/baru/", wizard.procedure_wizard, name="procedure_wizard"),
    path("pustaka/", transfer.library_transfer, name="library_transfer"),
    path("pustaka/ekspor/", transfer.library_export, name="library_export"),
    path("pustaka/impor/", transfer.library_import, name="library_import"),
    path("verifikasi/", verification.verify_upload, name="verify_upload"),
    path("verifikasi/<str:content_hash>/", verification.revision_verify, name="revision_verify"),
]

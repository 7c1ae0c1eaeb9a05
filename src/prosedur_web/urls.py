from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("akun/", include("prosedur_web.accounts.urls")),
    path("tinjauan/", include("prosedur_web.reviews.urls")),
    path("sosialisasi/", include("prosedur_web.socialisation.urls")),
    path("audit/", include("prosedur_web.audit.urls")),
    path("tugas/", include("prosedur_web.work.urls")),
    path("pemberitahuan/", include("prosedur_web.distribution.urls")),
    path("sistem-manajemen/", include("prosedur_web.sms.urls")),
    path("impor-sop/", include("prosedur_web.sopimport.urls")),
    path("", include("prosedur_web.procedures.urls")),
]

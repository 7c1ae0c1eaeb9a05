from django.urls import path

from . import directory, people_views, views

app_name = "accounts"
urlpatterns = [
    path("masuk/", views.UserLoginView.as_view(), name="login"),
    path("sso/", directory.oidc_start, name="oidc_start"),
    path("sso/kembali/", directory.oidc_callback, name="oidc_callback"),
    path("keluar/", views.UserLogoutView.as_view(), name="logout"),
    path("orang/", people_views.people_list, name="people_list"),
    path("orang/baru/", people_views.person_edit, name="person_create"),
    path("orang/<int:pk>/", people_views.person_edit, name="person_edit"),
    path("orang/<int:pk>/aktif/", people_views.person_set_active, name="person_set_active"),
    path("orang/impor/", people_views.people_import, name="people_import"),
    path("unit/", people_views.unit_tree, name="unit_tree"),
]

from django.contrib import admin
from django.urls import include, path

from ancrage.api.api import api
from ancrage.www import views as www_views

urlpatterns = [
    path("", www_views.home, name="home"),
    path("healthz", www_views.healthz, name="healthz"),
    path("comptes/proconnect/", include("ancrage.www.accounts.proconnect")),
    path("comptes/", include("ancrage.www.accounts.urls")),
    path("personnes/", include("ancrage.www.persons.urls")),
    path("imports/", include("ancrage.www.imports.urls")),
    path("parcours/", include("ancrage.www.pathways.urls")),
    path("orientations/", include("ancrage.www.referrals.urls")),
    path("notifications/", include("ancrage.www.notifications.urls")),
    path("plateforme/", include("ancrage.www.platform.urls")),
    path("tableau-de-bord/", include("ancrage.www.dashboard.urls")),
    path("annuaire/", include("ancrage.www.directory.urls")),
    path("emploi/", include("ancrage.www.employment.urls")),
    path("a-faire/", include("ancrage.www.agenda.urls")),
    path("installation/", include("ancrage.www.tracks.urls")),
    path("couverture/", include("ancrage.www.coverage.urls")),
    path("contrat/", include("ancrage.www.steering.urls")),
    path("doublons/", include("ancrage.www.linkage.urls")),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler403 = "ancrage.www.views.error_403"
handler404 = "ancrage.www.views.error_404"
handler500 = "ancrage.www.views.error_500"

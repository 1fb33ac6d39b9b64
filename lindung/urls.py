from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from lindung.accounts import views as accounts
from lindung.api.urls import api, dci_api
from lindung.people import views as people
from lindung.regions import views as regions
from lindung.rules import views as rules
from lindung.web import views as web

urlpatterns = [
    path("", web.home, name="home"),
    path("login/", auth_views.LoginView.as_view(template_name="accounts/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", web.set_language, name="set_language"),
    path("account/tokens/", accounts.tokens, name="account-tokens"),
    path("account/tokens/<int:pk>/revoke/", accounts.revoke, name="account-token-revoke"),
    path("regions/", regions.region_browser, name="regions"),
    path("regions/lookup/", regions.region_lookup, name="region-lookup"),
    path("regions/working-population/upload/", regions.working_population_upload, name="working-upload"),
    path("regions/<str:code>/", regions.region_browser, name="region-detail"),
    path("regions/<str:code>/working-population/", regions.working_population_set, name="working-set"),
    path("workers/", people.worker_list, name="workers"),
    path("workers/new/", people.worker_create, name="worker-create"),
    path("workers/export.csv", people.worker_export, name="worker-export"),
    path("workers/<int:pk>/", people.worker_detail, name="worker-detail"),
    path("workers/<int:pk>/edit/", people.worker_edit, name="worker-edit"),
    path("rules/", rules.rules_page, name="rules"),
    path("rules/calculator/", rules.calculator, name="rules-calculator"),
    path("funding/", include("lindung.funding.urls")),
    path("billing/", include("lindung.billing.urls")),
    path("coverage/", include("lindung.coverage.urls")),
    path("autodebit/", include("lindung.autodebit.urls")),
    path("agents/", include("lindung.agents.urls")),
    path("programmes/", include("lindung.programmes.urls")),
    path("reminders/", include("lindung.reminders.urls")),
    path("claims/", include("lindung.claims.urls")),
    path("imports/", include("lindung.imports.urls")),
    path("reports/", include("lindung.reports.urls")),
    path("api/v1/", api.urls),
    path("api/dci/", dci_api.urls),
    path("admin/", admin.site.urls),
]

handler404 = "lindung.web.views.not_found"
handler500 = "lindung.web.views.server_error"

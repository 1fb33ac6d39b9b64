from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="funding-home"),
    path("funders/", views.funder_list, name="funding-funders"),
    path("funders/<int:pk>/", views.funder_detail, name="funding-funder"),
    path("funders/<int:pk>/match/", views.match, name="funding-match"),
    path("lists/", views.batch_list, name="funding-lists"),
    path("lists/<int:pk>/", views.batch_detail, name="funding-list"),
    path("lists/<int:pk>/approve/", views.batch_approve, name="funding-list-approve"),
    path("lists/<int:pk>/cancel/", views.batch_cancel, name="funding-list-cancel"),
    path("propose/", views.propose, name="funding-propose"),
    path("pool/", views.pool_page, name="funding-pool"),
    path("pool/<int:pk>/withdraw/", views.pool_withdraw, name="funding-pool-withdraw"),
    path("ending/", views.ending, name="funding-ending"),
    path("sponsorships/", views.sponsorship_list, name="funding-sponsorships"),
    path("sponsorships/export.csv", views.sponsorship_export, name="funding-sponsorships-export"),
    path("sponsorships/<int:pk>/handover/", views.handover, name="funding-handover"),
    path("sponsorships/<int:pk>/cancel/", views.sponsorship_cancel, name="funding-sponsorship-cancel"),
    path("graduation/", views.graduation, name="funding-graduation"),
]

from django.urls import path

from . import views

urlpatterns = [
    path("", views.invoice_list, name="billing-invoices"),
    path("invoices/export.csv", views.invoice_export, name="billing-invoices-export"),
    path("invoices/<int:pk>/", views.invoice_detail, name="billing-invoice"),
    path("invoices/<int:pk>/lines.csv", views.invoice_lines_export, name="billing-invoice-lines-export"),
    path("invoices/<int:pk>/pay/", views.invoice_pay, name="billing-invoice-pay"),
    path("invoices/<int:pk>/collect/", views.invoice_collect, name="billing-invoice-collect"),
    path("funders/<int:funder_id>/", views.funder_overview, name="billing-funder"),
    path("funders/<int:funder_id>/plan/", views.funder_plan, name="billing-funder-plan"),
    path("my-funding/", views.funder_overview, name="billing-my-funding"),
    path("runs/", views.runs, name="billing-runs"),
    path("statements/", views.statements, name="billing-statements"),
    path("statements/<int:pk>/", views.statement_detail, name="billing-statement"),
    path("reconciliation/", views.reconciliation, name="billing-reconciliation"),
    path("reconciliation/<int:pk>/", views.reconciliation_resolve, name="billing-resolve"),
    path("collections/", views.collections, name="billing-collections"),
]

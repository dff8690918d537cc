from django.urls import path

from . import rule_views, views

app_name = "notices"
urlpatterns = [
    path("", views.home, name="home"),
    path("rules/", rule_views.rule_list, name="rule_list"),
    path("rules/<int:pk>/", rule_views.rule_edit, name="rule_edit"),
    path("shipments/<int:shipment_pk>/delay/", views.delay_create, name="delay_create"),
    path("delays/<int:pk>/", views.delay_detail, name="delay"),
    path("delays/<int:pk>/resolve/", views.delay_resolve, name="delay_resolve"),
    path("delays/<int:pk>/compensation/", views.compensation_propose, name="compensation_propose"),
    path("compensation/<int:pk>/decide/", views.compensation_decide, name="compensation_decide"),
    path("orders/<int:order_pk>/panel/", views.order_panel, name="order_panel"),
    # The customer's pages: signed links in the messages, no login.
    path("u/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("f/<str:token>/", views.feedback, name="feedback"),
]

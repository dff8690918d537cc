from django.urls import path

from . import adjustment_views, daily_plan_views, gantt_views, promise_views, views

app_name = "planning"
urlpatterns = [
    path("work-centers/", views.work_center_list, name="work_center_list"),
    path("work-centers/new/", views.work_center_create, name="work_center_create"),
    path("work-centers/import/", views.work_center_import, name="work_center_import"),
    path("work-centers/<int:pk>/edit/", views.work_center_edit, name="work_center_edit"),
    path("calendars/", views.calendar_list, name="calendar_list"),
    path("calendars/new/", views.calendar_create, name="calendar_create"),
    path("calendars/<int:pk>/", views.calendar_edit, name="calendar_edit"),
    path("calendars/<int:pk>/exceptions/<int:exception_pk>/remove/", views.calendar_exception_remove,
         name="calendar_exception_remove"),
    path("routings/", views.routing_list, name="routing_list"),
    path("routings/import/", views.routing_import, name="routing_import"),
    path("routings/<int:item_pk>/", views.routing_edit, name="routing_edit"),
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/plan/", views.plan_order, name="plan_order"),
    path("plans/<int:pk>/release/", views.plan_release, name="plan_release"),
    path("gantt/", gantt_views.gantt_by_center, name="gantt"),
    path("gantt/orders/", gantt_views.gantt_by_order, name="gantt_orders"),
    path("daily-plan/", daily_plan_views.daily_plan_page, name="daily_plan"),
    path("routings/<int:item_pk>/batch-size/", adjustment_views.routing_batch_size, name="routing_batch_size"),
    path("plans/operations/<int:pk>/", adjustment_views.operation_adjust, name="operation_adjust"),
    path("plans/operations/<int:pk>/move/", adjustment_views.operation_move, name="operation_move"),
    path("plans/operations/<int:pk>/work-center/", adjustment_views.operation_work_center,
         name="operation_work_center"),
    path("plans/operations/<int:pk>/lock/", adjustment_views.operation_lock, name="operation_lock"),
    path("plans/work-orders/<int:pk>/split/", adjustment_views.work_order_split, name="work_order_split"),
    path("promise/entry/", promise_views.entry_promise, name="entry_promise"),
    path("promise/orders/<int:pk>/", promise_views.order_promise, name="order_promise"),
]

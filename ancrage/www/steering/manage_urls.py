"""Routes of the contract pages (manage); included by www.steering.urls under the namespace steering."""

from django.urls import path  # noqa: F401

urlpatterns: list = []

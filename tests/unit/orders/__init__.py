"""Tests of ``service/orders/``."""

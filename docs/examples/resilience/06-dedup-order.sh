python dedup_order.py

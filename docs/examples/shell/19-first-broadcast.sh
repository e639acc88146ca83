python first_broadcast.py

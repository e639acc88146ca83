python reconnect.py

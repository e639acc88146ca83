python timeouts.py

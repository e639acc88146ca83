python retries.py

python fragments.py

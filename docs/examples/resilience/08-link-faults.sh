python link_faults.py

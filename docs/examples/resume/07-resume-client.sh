python resume.py

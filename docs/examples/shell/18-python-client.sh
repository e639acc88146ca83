python python_client.py

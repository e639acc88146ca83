curl -s "http://localhost:8002/events?request_id=r-echo-1"

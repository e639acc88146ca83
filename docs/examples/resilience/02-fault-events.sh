curl -s "http://localhost:8002/events?event=fault.injected&request_id=r-fail-1"

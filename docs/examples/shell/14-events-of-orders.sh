curl -s "http://localhost:8002/events?event=order.status_changed&limit=1"

curl -s "http://localhost:8002/orders?limit=2"

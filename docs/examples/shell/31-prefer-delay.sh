curl -s -i -H "Prefer: delay=1500" http://localhost:8002/orders/1

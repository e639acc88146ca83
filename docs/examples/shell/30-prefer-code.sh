curl -s -i -H "Prefer: code=503" http://localhost:8002/orders

curl -s http://localhost:8002/orders/999

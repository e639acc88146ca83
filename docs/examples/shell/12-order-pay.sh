curl -s -X PATCH http://localhost:8002/orders/6/status \
  -H "Content-Type: application/json" \
  -d '{"status": "paid"}'

curl -s -X PATCH "http://localhost:8002/orders/1/status" \
  -H "Content-Type: application/json" -H "X-Request-ID: r-rest-1" \
  -d '{"status": "paid"}' -D - -o /dev/null

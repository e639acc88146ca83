curl -s -X POST http://localhost:8002/orders \
  -H "Content-Type: application/json" \
  -d '{"customer": "Alice", "product": "Keyboard", "quantity": 2, "amount": "59.90"}'

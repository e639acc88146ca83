{ echo '{"action": "create_order", "payload": {"customer": "Alice", "product": "Keyboard", "quantity": 2, "amount": "59.90"}, "request_id": "r-trace-1"}'; sleep 1; } \
  | websocat "ws://localhost:8002/ws?channel=general"

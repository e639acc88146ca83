{ echo '{"action": "echo", "payload": {"text": "hello"}, "request_id": "r-off-1", "simulate": {"delay_ms": 500}}'; sleep 1; } \
  | websocat "ws://localhost:8002/ws?channel=general"

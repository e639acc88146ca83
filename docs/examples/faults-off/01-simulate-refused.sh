echo '{"action": "echo", "payload": {"text": "hello"}, "request_id": "r-off-1", "simulate": {"delay_ms": 500}}' \
  | websocat -n --max-messages-rev 1 "ws://localhost:8002/ws?channel=general"

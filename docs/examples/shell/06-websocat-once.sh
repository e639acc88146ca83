{ echo '{"action": "triplet_demo", "payload": {}, "request_id": "r-triplet-1"}'; sleep 1; } \
  | websocat "ws://localhost:8002/ws?channel=general"

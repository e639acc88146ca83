echo '{"action": "triplet_demo", "payload": {}, "request_id": "r-triplet-1"}' \
  | websocat -n --max-messages-rev 4 "ws://localhost:8002/ws?channel=general"

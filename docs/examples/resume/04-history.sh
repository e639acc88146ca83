curl -s "http://localhost:8002/channels/news/history?since=1"; echo

curl -s http://localhost:8002/channels

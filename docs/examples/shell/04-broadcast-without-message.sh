curl -s -X POST "http://localhost:8002/broadcast?channel=general"

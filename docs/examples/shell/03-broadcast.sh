curl -s -X POST "http://localhost:8002/broadcast?message=hello&channel=general"

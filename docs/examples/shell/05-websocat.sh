websocat "ws://localhost:8002/ws?channel=general"

websocat "ws://localhost:8002/ws?channel=bad%20name"

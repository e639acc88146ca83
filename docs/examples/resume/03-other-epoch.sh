sleep 1 | websocat "ws://localhost:8002/ws?channel=news&since=1&epoch=000000000000"

docker ps --filter name=qa_websocket

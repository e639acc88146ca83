docker logs qa_websocket 2>&1 | grep '"request_id":"r-echo-1"'

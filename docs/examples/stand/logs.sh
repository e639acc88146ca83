docker logs qa_websocket --tail 200

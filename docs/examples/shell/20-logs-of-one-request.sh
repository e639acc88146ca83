grep '"request_id":"r-echo-1"' service.log

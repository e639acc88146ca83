curl -s "http://localhost:8002/trace/r-nobody-sent"; echo

curl -s "http://localhost:8002/trace/r-rest-1"; echo

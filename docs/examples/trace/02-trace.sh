curl -s "http://localhost:8002/trace/r-trace-1"; echo

curl -s -i -H 'Prefer: code=503' http://localhost:8002/orders/1 \
  | grep -i -E '^(HTTP/|retry-after|content-type|preference-applied|\{)'

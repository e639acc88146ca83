for text in one two three; do
  curl -s -X POST "http://localhost:8002/broadcast?channel=news&message=$text"; echo
done

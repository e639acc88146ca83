"""Request traces: what the service did for each request, for ``GET /trace/{request_id}``."""

"""Thin transport: Litestar REST handlers and the WebSocket endpoint. Read, call, write."""

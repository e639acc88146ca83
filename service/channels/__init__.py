"""Channels (rooms): who is connected where, and delivery to them."""

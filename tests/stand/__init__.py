"""The compose stand and the Postman kit."""

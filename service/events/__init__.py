"""Event records: every ``event`` frame is also a record that publishers carry away."""

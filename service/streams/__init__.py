"""Channel streams: offsets, epochs and history (``history``), and who is present (``presence``)."""

"""Real servers the tests start for themselves on 127.0.0.1: PostgreSQL and Chroma."""

"""What login_activity does: ingest a batch of login events, record one user's, list a user's."""

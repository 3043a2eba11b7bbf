"""Login activity (seed 001): OIDC login events in, each user's services and last access out."""

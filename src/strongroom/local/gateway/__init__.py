"""The local API Gateway: HTTP APIs with payload format 2.0 and the JWT authorizer."""

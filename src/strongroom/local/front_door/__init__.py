"""The stack's AWS endpoint: a WSGI middleware in front of moto that runs Lambda's Invoke API
in the local Lambda runtime and passes every other request to moto unchanged."""

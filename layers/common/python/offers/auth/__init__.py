"""Bearer-token verification for the Lambda authorizer."""

"""The answer engine: understand a message, retrieve, compose, check grounding."""

"""fastpolicy: a policy-as-code knowledge base for production FastAPI services, with a checker."""

__version__ = "0.1.0"

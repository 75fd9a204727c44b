"""Shop-specific knowledge: page objects of the demo shop (``flows.pages``) and journeys.

Pointing checkout-probe at another shop means rewriting this package (and its
configuration); the fixtures and the core stay as they are.
"""

"""What this project knows about the django-oscar shop: pages, journeys, the dashboard adapter."""

"""What a checkout leaves behind: its record (steps, verdict, diagnosis), artifacts scrubbed of
card data and secrets, Allure report steps, and the report rendered as one HTML file."""

"""``checkout-probe verify``: the post-deploy gate, built on the same pytest suites."""

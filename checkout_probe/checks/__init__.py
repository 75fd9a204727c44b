"""The checks that judge a checkout outside its pages' own steps: every place that shows the
order against the independent expectation (read-back), the charges behind it, and cleanup."""

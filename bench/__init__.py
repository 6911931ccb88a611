"""Load harness for the live server: ``python -m bench run --phones N --json FILE``.

Kept free of imports so that ``python -m bench.baseline_server`` can patch the standard library
with gevent before anything else is loaded.
"""

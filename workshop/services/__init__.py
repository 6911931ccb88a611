"""Every change of state lives here: validate, write, commit once, then publish.

Routes, socket handlers and CLI commands only parse input, check access and call one function of
this package.
"""

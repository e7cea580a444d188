"""Who may come in, and with what: every route's rule, the write token, the file guard, headers, deadlines.

- :mod:`web.entrance.routes`: every HTTP route the app serves, who may call it, what it accepts;
  the routes it does not use closed (``python -m web routes`` prints the table).
- :mod:`web.entrance.access`: the one rule for every write, the write token.
- :mod:`web.entrance.files`: no event may name a file on the server.
- :mod:`web.entrance.headers`: the security headers on every response.
- :mod:`web.entrance.serving`: slow clients cut, and a stop that stops.
"""

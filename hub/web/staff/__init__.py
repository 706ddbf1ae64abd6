"""Staff sign-in (an e-mailed link or OpenID Connect), staff sessions, the staff chrome and
the ``hub users`` command: what the council and operator pages stand on."""

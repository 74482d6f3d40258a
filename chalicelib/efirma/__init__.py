"""e.firma: the SAT's advanced electronic signature (X.509 certificates, RSA 2048).

``certificates`` reads a ``.cer`` and its holder, ``keys`` opens a password-protected
``.key`` and signs (the browser does this for people; tests, the sandbox and the command
line use it here), ``ocsp`` asks and checks the revocation answer, and ``verification``
decides whether a signature holds.  ``cryptography`` is imported by these modules only,
and only when e.firma is used: a cold start of the API does not load it.
"""

"""Patches of moto's internals for the local stack and the tests (never deployed).

moto is pinned to an exact version; each patch has a test in ``tests/infra`` that fails
if its hook point moves or if the patch stops taking effect.
"""

"""The embedded local stack (``python -m infra.local``, ``make run``): moto as AWS, with
the resources of ``infra/aws/stack`` provisioned into it, the state machines and handlers
run for real, the API and the web pages served on one port of 127.0.0.1.

Nothing here is imported on import of the package: ``infra.local.demo`` is read by tests
and scripts that must not start (or import) the stack.
"""

"""The telephone status line: what Amazon Connect's contact flow asks our Lambda functions.

``connect`` reads Connect's event and shapes the flat string map it accepts back, within a
deadline (a polite fallback otherwise); ``line`` finds what a calling phone is linked to, by
the same rule as the SMS command ESTADO (``Notifications.linked_language``), and ``speech``
says it in Mexican Spanish or English, ready for SSML.  The flow itself is
``infra/connect/status-line.json``.
"""

"""The event bus: envelope and registry, outbox and relay, inbox, topology, broker and consumer pipeline.

Import the submodules directly (``from batchivo_common.messaging.outbox import add_event``); this package
imports nothing so the API process never loads the broker client.
"""

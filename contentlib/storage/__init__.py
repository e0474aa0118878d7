"""The store's methods, one module per area; ``contentlib.store.Store`` combines them as mixins.

Every SQL statement on the tables lives here or in ``contentlib.store``: the
services (``workflow``, ``glossary``, ``lists``, ...) hold only their rules and
call these methods with plain values. A step that must be atomic takes the
``conn`` of the caller's ``store.transaction()``.
"""

"""Everything tradestd does with WCO IDs, in one package.

- :mod:`tradestd.wco.ids`: the WCO IDs of a schema set, read from its WCO DM annotations,
  and pointer-chain resolution (``SchemaSet.wco_ids``);
- :mod:`tradestd.wco.pointers`: ``Pointer`` chains of responses and amendments;
- :mod:`tradestd.wco.plan`: the translation plan between two schema sets
  (``SchemaSet.translation_plan``);
- :mod:`tradestd.wco.translate`: carrying a message from one schema set to another.

The package builds on the schema compiler (:mod:`tradestd.schemaset`); the compiler never
imports it (its ``wco_ids`` and ``translation_plan`` methods are registered by
:mod:`tradestd.conveniences`).
"""

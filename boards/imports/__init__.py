"""Importing quarterly returns and DfE files: validated, atomic, with provenance, history and rollback.

The API the upload page and ``boards import`` call (boards.imports.pipeline):

- ``inspect_upload(store, file_name, data, *, actor, mapping=None, sheet=None)`` -> ImportPlan: the
  file read and validated against the catalogue, the reference data and the database, with every
  problem (line, column, value, reason) and what committing would add, change or leave unchanged;
  UnusableFile when the file cannot be read as a return at all;
- ``commit_plan(store, plan, *, accept_valid_rows=False)`` -> ImportResult: one transaction;
- ``rollback(store, load_id, *, actor)`` -> RollbackResult: a load undone exactly.

A case review register (reviews and recommendations: boards.imports.register) goes through the
same three calls: ``inspect_upload`` recognises it by its header (or a workbook by its sheets
``reviews`` and ``recommendations``), the plan's ``register`` holds its rows and its observations
are the indicators derived from it (boards.reviews.derive); ``commit_plan`` makes the register and
those figures current in one load, and ``rollback`` restores the previous ones.

How an upload goes (boards.imports.pipeline, top to bottom): the upload context is read from the store
once (boards.imports.context); the file is read (boards.imports.reading) into entries (layouts, ees,
lait) or a register (boards.imports.register_upload); the checks are pure functions of the entries
and the context (boards.imports.checks, boards.imports.register); the valid figures are compared with
the database and committed in one transaction. The plan and result types: boards.imports.plan.

Templates and the data dictionary: boards.imports.templates; mappings of EES files:
boards.imports.mappings.
"""

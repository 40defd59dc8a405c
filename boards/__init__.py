"""The safeguarding board effectiveness dashboard: core (store, imports, comparison), charts and pages."""

import pyarrow

# Arrow's default allocator, mimalloc, page-faults its way through a large upload on a small VM:
# reading and validating a million rows took 5.8-6.7 s with it and 2.2-2.7 s with the system's
# (benchmarks/imports.py). Every Arrow buffer of the process (uploads, comparison reads) uses this.
pyarrow.set_memory_pool(pyarrow.system_memory_pool())

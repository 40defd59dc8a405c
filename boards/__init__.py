"""The safeguarding board effectiveness dashboard: core (store, imports, comparison), charts and pages."""

import pyarrow

# Arrow's default allocator, mimalloc, page-faults its way through a large upload on a small VM, more
# than doubling the time to read and validate one (docs/decisions.md has the benchmark's figures).
# Every Arrow buffer of the process (uploads, comparison reads) uses the system's.
pyarrow.set_memory_pool(pyarrow.system_memory_pool())

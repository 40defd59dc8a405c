"""The output formats of ``boards flags``: the command line offers them and the report writes them,
and neither module imports the other for it (the command line must not load the engine to register)."""

FORMATS = ("table", "csv", "json")

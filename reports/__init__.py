"""Everything that leaves the dashboard as a file: workbooks, extracts, committee snapshots and packs."""

# Written into every export (Lisez-moi sheet) so a file can be traced to the code that made it.
VERSION = "1.0.0"

"""Everything that leaves the dashboard as a file: workbooks, extracts, committee snapshots and packs."""

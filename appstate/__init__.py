"""App state that users create (comments, météo, decisions, committee snapshots), kept out of the warehouse.

`appstate.db.session_factory(url)` opens the database (migrating it to the latest schema on first use);
`appstate.service` holds the functions the dashboard and the CLI call with a Session.
"""

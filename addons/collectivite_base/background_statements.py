"""Statements of a transaction executed in the background, on its own
connection: the Python work of a large batch (planning a chunk of rows) runs
while PostgreSQL reads the next chunk and stores the previous one, on the two
processors instead of one after the other.

psycopg2 connections are thread-safe and serialise their statements: the
statements go, in order, through a second cursor of the transaction's
connection, so they are part of the same transaction (its savepoints, its
commit or rollback), and a query of the caller meanwhile waits for the
statement in flight. Only plain statements go there: no ORM, whose cache the
caller flushes before and invalidates after."""

import io
from concurrent.futures import ThreadPoolExecutor


class BackgroundStatements:
    """``with BackgroundStatements(cr) as statements:``
    ``rows = statements.fetch(sql)``, ``statements.execute(sql)`` and
    ``statements.copy_from(sql, data)`` (``COPY ... FROM STDIN`` of the bytes
    ``data``) queue a statement (an ``odoo.tools.SQL``) and return at once; ``rows.result()``
    waits for the rows, ``wait()`` for every statement queued, and so does
    leaving the block. The first statement that fails (the transaction is
    then aborted, as after any failed statement) is the error raised, by
    ``result()``, ``wait()`` or when leaving the block."""

    def __init__(self, cr):
        self._connection = cr._cnx
        self._cursor = None
        self._executor = None
        self._queued = []

    def __enter__(self):
        self._cursor = self._connection.cursor()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sql-background")
        return self

    def execute(self, query):
        self._queued.append(self._executor.submit(self._run, query, False))

    def fetch(self, query):
        future = self._executor.submit(self._run, query, True)
        self._queued.append(future)
        return future

    def copy_from(self, query, data):
        assert not query.params, "COPY FROM STDIN takes no parameter"
        self._queued.append(self._executor.submit(self._copy, query.code, data))

    def _run(self, query, fetch):
        self._cursor.execute(query.code, query.params)
        return self._cursor.fetchall() if fetch else None

    def _copy(self, code, data):
        # read at once: by blocks, each read would wait for the caller's
        # thread to release the interpreter
        self._cursor.copy_expert(code, io.BytesIO(data), size=max(len(data), 8192))

    def wait(self):
        queued, self._queued = self._queued, []
        errors = [future.exception() for future in queued]
        for error in errors:
            if error is not None:
                raise error

    def __exit__(self, exc_type, exc, traceback):
        try:
            self.wait()
        finally:
            self._executor.shutdown(wait=True)
            self._cursor.close()

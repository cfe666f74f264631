"""The web app's own data: feedback on answers and the queue of shared stories.

One small layer over SQLAlchemy (:mod:`database`), so the same code runs on SQLite
(the default, under ``LEGENDS_HOME``) and on PostgreSQL via ``LEGENDS_DATABASE_URL``.
"""

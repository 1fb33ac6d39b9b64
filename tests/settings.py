"""Test settings: the real settings in test mode, on SQLite or on PostgreSQL via DATABASE_URL."""

import os

os.environ["LINDUNG_MODE"] = "test"
os.environ.setdefault("LINDUNG_DATA_DIR", os.path.join(os.path.dirname(__file__), "..", ".test-data"))

from lindung.settings import *  # noqa: E402,F403
from lindung.settings import DATABASES  # noqa: E402

# Parallel runs against one PostgreSQL server need distinct test database names (SQLite test databases
# live in memory and need none).
if os.environ.get("LINDUNG_TEST_DB_NAME") and DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["LINDUNG_TEST_DB_NAME"]}

STATIC_ROOT = None  # assets come from the finders; no collected directory in tests

# Read replicas: CI passes a hot standby of the test server (.ci/run); the router tests turn it on
# (LINDUNG_REPLICAS) where they test it, the rest of the suite reads from the primary. A second alias
# points at a closed port: a replica that is down.
LINDUNG_REPLICAS = []
if os.environ.get("LINDUNG_TEST_REPLICA_URL") and DATABASES["default"]["ENGINE"].endswith("postgresql"):
    import dj_database_url

    for _alias, _url in (("replica1", os.environ["LINDUNG_TEST_REPLICA_URL"]),
                         ("replica_down", "postgres://postgres@127.0.0.1:9/test")):
        DATABASES[_alias] = {**dj_database_url.parse(_url), "OPTIONS": {"connect_timeout": 2},
                             "TEST": {"MIRROR": "default"}}

"""The test run's own PostgreSQL server (tests/postgres_server.py) starts empty, answers, and leaves nothing
behind."""

import re
import subprocess
from pathlib import Path

from tests.postgres_server import postgres_bin_dir, postgres_server


def psql(dsn: str, sql: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(postgres_bin_dir() / "psql"), dsn, "-At", "-c", sql], capture_output=True, text=True)


def test_server_answers_on_its_own_socket_and_is_gone_afterwards():
    with postgres_server() as dsn:
        socket_dir = Path(re.search(r"host=(\S+)", dsn)[1])
        answer = psql(dsn, "SELECT current_user, current_database(), current_setting('listen_addresses')")
        assert answer.stdout == "boards|boards|\n"
        assert (socket_dir / ".s.PGSQL.5432").is_socket()
    assert not socket_dir.exists()
    refused = psql(dsn, "SELECT 1")
    assert refused.returncode == 2
    assert "No such file or directory" in refused.stderr


def test_two_servers_at_once_are_separate_clusters():
    with postgres_server() as first, postgres_server() as second:
        assert first != second
        psql(first, "CREATE TABLE only_here (n integer)")
        assert psql(first, "SELECT count(*) FROM pg_tables WHERE tablename = 'only_here'").stdout == "1\n"
        assert psql(second, "SELECT count(*) FROM pg_tables WHERE tablename = 'only_here'").stdout == "0\n"

#!/bin/sh
# First start of the database only: the ledger's service account, which the ledger-migrate job then grants
# read-and-append on the log (ledger/grants.py). Its password comes from LEDGER_APP_PASSWORD.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v password="$LEDGER_APP_PASSWORD" <<'SQL'
CREATE ROLE ledger_app LOGIN PASSWORD :'password';
SQL

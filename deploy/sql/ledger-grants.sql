-- The ledger's service account may read and append to the log, never change it.
-- Run as the schema owner after the first migration; the service then connects as ledger_app.
CREATE ROLE ledger_app LOGIN;
GRANT USAGE ON SCHEMA ledger TO ledger_app;
GRANT SELECT, INSERT ON ledger.entries, ledger.tree_nodes, ledger.checkpoints TO ledger_app;
GRANT SELECT, INSERT ON ledger.national_exports, ledger.national_export_acks TO ledger_app;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA ledger TO ledger_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ledger.outbox, ledger.inbox, ledger.idempotency_keys TO ledger_app;
REVOKE UPDATE, DELETE, TRUNCATE ON ledger.entries, ledger.tree_nodes, ledger.checkpoints FROM ledger_app;
REVOKE UPDATE, DELETE, TRUNCATE ON ledger.national_exports, ledger.national_export_acks FROM ledger_app;

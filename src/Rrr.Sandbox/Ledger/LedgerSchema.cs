namespace Rrr.Sandbox.Ledger;

/// <summary>
/// The ledger's tables. Times are unix milliseconds on the sandbox clock; points are integers.
///
/// Balance model: every ledger entry carries its signed effect on the member's available points, so
/// available = Σ points of POSTED entries and pending = Σ points of PENDING entries. A redemption quote
/// writes REDEMPTION_HOLD (−p); reversing or expiring it writes REDEMPTION_RELEASE (+p); committing it
/// writes REDEMPTION_RELEASE (+p) and REDEMPTION_COMMIT (−p) in one transaction (authorisation/capture),
/// so escrow = Σ points of quotes still HELD. Credits that earn (EARN, TOPUP, AWARD_CREDIT, positive
/// ADJUSTMENT) are lots with <c>remaining</c> and <c>expires_at</c> (365 days); final debits consume
/// lots soonest-expiring first; a lot past its date writes EXPIRY for what is left of it.
/// </summary>
internal static class LedgerSchema
{
    public const string Sql = """
        CREATE TABLE IF NOT EXISTS ledger_meta (key TEXT NOT NULL PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS members (
            rrr_member_id     TEXT NOT NULL PRIMARY KEY,
            owner_xcn_user_id TEXT,
            kind              TEXT NOT NULL,
            display_name      TEXT NOT NULL,
            wallet_version    INTEGER NOT NULL DEFAULT 0,
            created_at        INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS link_intents (
            intent_id          TEXT NOT NULL PRIMARY KEY,
            xcn_user_id        TEXT NOT NULL,
            rrr_member_id      TEXT NOT NULL,
            code               TEXT NOT NULL,
            attempts_remaining INTEGER NOT NULL,
            status             TEXT NOT NULL,
            created_at         INTEGER NOT NULL,
            expires_at         INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS links (
            link_id       TEXT NOT NULL PRIMARY KEY,
            xcn_user_id   TEXT NOT NULL,
            rrr_member_id TEXT NOT NULL,
            status        TEXT NOT NULL,
            linked_at     INTEGER NOT NULL,
            revoked_at    INTEGER
        );
        CREATE UNIQUE INDEX IF NOT EXISTS ux_links_xcn ON links (xcn_user_id) WHERE status = 'LINKED';
        CREATE UNIQUE INDEX IF NOT EXISTS ux_links_member ON links (rrr_member_id) WHERE status = 'LINKED';
        CREATE TABLE IF NOT EXISTS link_versions (xcn_user_id TEXT NOT NULL PRIMARY KEY, version INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS ledger_entries (
            seq           INTEGER PRIMARY KEY AUTOINCREMENT,
            entry_id      TEXT NOT NULL UNIQUE,
            rrr_member_id TEXT NOT NULL,
            type          TEXT NOT NULL,
            points        INTEGER NOT NULL,
            status        TEXT NOT NULL,
            created_at    INTEGER NOT NULL,
            available_at  INTEGER NOT NULL,
            expires_at    INTEGER,
            remaining     INTEGER NOT NULL DEFAULT 0,
            reference     TEXT,
            trace_id      TEXT
        );
        CREATE INDEX IF NOT EXISTS ix_entries_member ON ledger_entries (rrr_member_id, seq);
        CREATE INDEX IF NOT EXISTS ix_entries_pending ON ledger_entries (status, available_at);
        CREATE TABLE IF NOT EXISTS earn_events (
            earn_event_id     TEXT NOT NULL PRIMARY KEY,
            rrr_member_id     TEXT NOT NULL,
            xcn_user_id       TEXT NOT NULL,
            order_number      TEXT NOT NULL,
            product           TEXT NOT NULL,
            points            INTEGER NOT NULL,
            expected_points   INTEGER,
            status            TEXT NOT NULL,
            entry_id          TEXT NOT NULL,
            reversal_entry_id TEXT,
            available_at      INTEGER NOT NULL,
            created_at        INTEGER NOT NULL,
            UNIQUE (order_number, product)
        );
        CREATE TABLE IF NOT EXISTS member_tiers (
            rrr_member_id   TEXT NOT NULL PRIMARY KEY,
            tier            TEXT NOT NULL,
            membership_plan TEXT,
            earn_event_id   TEXT,
            updated_at      INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS redemption_quotes (
            quote_id      TEXT NOT NULL PRIMARY KEY,
            rrr_member_id TEXT NOT NULL,
            points        INTEGER NOT NULL,
            order_ref     TEXT,
            status        TEXT NOT NULL,
            redemption_id TEXT,
            created_at    INTEGER NOT NULL,
            expires_at    INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS topup_quotes (
            quote_id      TEXT NOT NULL PRIMARY KEY,
            rrr_member_id TEXT NOT NULL,
            points        INTEGER NOT NULL,
            price         TEXT NOT NULL,
            currency      TEXT NOT NULL,
            status        TEXT NOT NULL,
            topup_id      TEXT,
            created_at    INTEGER NOT NULL,
            expires_at    INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS award_intents (
            award_intent_id    TEXT NOT NULL PRIMARY KEY,
            model_member_id    TEXT NOT NULL,
            viewer_member_id   TEXT NOT NULL,
            viewer_xcn_user_id TEXT NOT NULL,
            points             INTEGER NOT NULL,
            room_id            TEXT,
            stream_id          TEXT,
            status             TEXT NOT NULL,
            award_id           TEXT,
            created_at         INTEGER NOT NULL,
            expires_at         INTEGER NOT NULL,
            committed_at       INTEGER
        );
        CREATE TABLE IF NOT EXISTS promotions (
            promotion_id      TEXT NOT NULL PRIMARY KEY,
            name              TEXT NOT NULL,
            kind              TEXT NOT NULL,
            value             TEXT NOT NULL,
            starts_at         INTEGER NOT NULL,
            ends_at           INTEGER NOT NULL,
            audience          TEXT NOT NULL,
            budget_cap_points INTEGER NOT NULL,
            status            TEXT NOT NULL,
            created_by        TEXT NOT NULL,
            version           INTEGER NOT NULL,
            round_version     INTEGER NOT NULL,
            created_at        INTEGER NOT NULL,
            updated_at        INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS promotion_approvals (
            id                INTEGER PRIMARY KEY AUTOINCREMENT,
            promotion_id      TEXT NOT NULL,
            approver_id       TEXT NOT NULL,
            approver_role     TEXT NOT NULL,
            decision          TEXT NOT NULL,
            reason            TEXT,
            decided_at        INTEGER NOT NULL,
            promotion_version INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS adjustments (
            adjustment_id          TEXT NOT NULL PRIMARY KEY,
            rrr_member_id          TEXT NOT NULL,
            points                 INTEGER NOT NULL,
            reason_code            TEXT NOT NULL,
            ticket_id              TEXT NOT NULL,
            requested_by           TEXT NOT NULL,
            status                 TEXT NOT NULL,
            required_xcn_approvals INTEGER NOT NULL,
            requires_rrr_approval  INTEGER NOT NULL,
            entry_id               TEXT,
            created_at             INTEGER NOT NULL,
            version                INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS adjustment_approvals (
            id            INTEGER PRIMARY KEY AUTOINCREMENT,
            adjustment_id TEXT NOT NULL,
            approver_id   TEXT NOT NULL,
            approver_role TEXT NOT NULL,
            decision      TEXT NOT NULL,
            reason        TEXT,
            decided_at    INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS sso_tickets (
            ticket_hash   TEXT NOT NULL PRIMARY KEY,
            rrr_member_id TEXT NOT NULL,
            return_to     TEXT,
            expires_at    INTEGER NOT NULL,
            consumed_at   INTEGER
        );
        """;
}

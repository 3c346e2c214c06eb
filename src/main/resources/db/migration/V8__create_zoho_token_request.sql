-- Every access-token request this service sent to Zoho for a connection (refresh grants, retries and forced
-- refreshes included). Zoho allows at most 10 per refresh token in 10 minutes and then blocks the client, so the
-- token manager counts here, under a per-connection advisory lock, before each request: the count holds across
-- instances. Rows older than the window are deleted as new ones are written.
create table zoho_token_request (
    connection_id uuid        not null references zoho_connection (id) on delete cascade,
    requested_at  timestamptz not null default clock_timestamp()
);

create index zoho_token_request_connection_idx on zoho_token_request (connection_id, requested_at);

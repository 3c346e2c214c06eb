-- Token buckets shared by every instance. The shape is the one Bucket4j's PostgreSQL select-for-update proxy
-- manager reads and writes (id, state, expires_at); ids are text keys "<endpoint>:<limit fingerprint>:<caller>".
create table rate_limit_bucket (
    id         varchar(160) primary key,
    state      bytea,
    expires_at bigint
);

-- Bucket4j's expired-entry cleaner deletes by expires_at (epoch milliseconds).
create index rate_limit_bucket_expires_at_idx on rate_limit_bucket (expires_at);

-- Consecutive failed sign-ins and refreshes per client address (never per account: see docs/security.md).
create table client_failure_throttle (
    client_key           varchar(64) primary key,
    consecutive_failures integer     not null check (consecutive_failures > 0),
    blocked_until        timestamptz,
    last_failure_at      timestamptz not null
);

create index client_failure_throttle_last_failure_idx on client_failure_throttle (last_failure_at);

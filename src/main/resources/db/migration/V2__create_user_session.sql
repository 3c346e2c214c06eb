-- Sessions opened by a Zoho sign-in, and their opaque refresh tokens (stored only as SHA-256 hashes).
-- A session ends at the first of: idle expiry (pushed forward by every refresh, never past the absolute
-- expiry), absolute expiry, or revocation (logout, the user ending it, an admin, or refresh-token reuse).
create table user_session (
    id                  uuid         primary key,
    user_id             uuid         not null references app_user (id) on delete cascade,
    created_at          timestamptz  not null,
    last_used_at        timestamptz  not null,
    idle_expires_at     timestamptz  not null,
    absolute_expires_at timestamptz  not null,
    user_agent          varchar(512),
    client_ip           varchar(64),
    revoked_at          timestamptz,
    revoked_by          uuid,
    revoked_reason      varchar(32),
    constraint user_session_revocation_complete
        check ((revoked_at is null) = (revoked_reason is null))
);

create index user_session_user_idx on user_session (user_id);
create index user_session_live_idx on user_session (absolute_expires_at) where revoked_at is null;
create index user_session_revoked_idx on user_session (revoked_at) where revoked_at is not null;

-- One row per refresh token ever issued. rotated_at is set when the token is used (or a sibling is); a
-- rotated token presented again is reuse, except once inside the grace window (grace_used).
create table refresh_token (
    token_hash  bytea        primary key check (length(token_hash) = 32),
    session_id  uuid         not null references user_session (id) on delete cascade,
    created_at  timestamptz  not null,
    rotated_at  timestamptz,
    grace_used  boolean      not null default false
);

create index refresh_token_session_idx on refresh_token (session_id);

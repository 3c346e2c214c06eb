-- One-time state of a Zoho sign-in between GET /api/zoho/auth and Zoho's redirect back to the callback.
-- Only hashes of the two random values are stored: a database reader cannot complete someone's sign-in.
create table zoho_sign_in_state (
    state_hash    bytea         primary key,  -- SHA-256 of the `state` query parameter sent to Zoho
    binding_hash  bytea         not null,     -- SHA-256 of the browser-binding cookie set at the start
    code_verifier varchar(128)  not null,     -- PKCE verifier (RFC 7636), sent with the code exchange
    return_to     varchar(2048) not null,     -- validated path inside the SPA to land on afterwards
    created_at    timestamptz   not null default now(),
    expires_at    timestamptz   not null
);

create index zoho_sign_in_state_expires_at_idx on zoho_sign_in_state (expires_at);

-- A user's link to Zoho: where their data centre is, and their Zoho tokens (encrypted by the crypto
-- module with this row's id as associated data). One per user; a new sign-in replaces the tokens.
create table zoho_connection (
    id                      uuid          primary key,
    user_id                 uuid          not null references app_user (id) on delete cascade,
    zoho_user_id            varchar(64)   not null,
    location                varchar(16)   not null,  -- data-centre location code: us, eu, in, au, ...
    accounts_server         varchar(255)  not null,  -- that data centre's accounts server
    api_domain              varchar(255)  not null,  -- from the token response; every CRM call goes here
    scopes                  varchar(1000) not null,  -- comma-separated, as granted
    access_token            text,                    -- ciphertext
    access_token_expires_at timestamptz,
    refresh_token           text,                    -- ciphertext; null only once revoked
    status                  varchar(24)   not null
        check (status in ('CONNECTED', 'REAUTH_REQUIRED', 'REVOKED')),
    last_refresh_outcome    varchar(64),              -- e.g. success, invalid_code, throttled, unavailable
    last_refresh_at         timestamptz,
    created_at              timestamptz   not null default now(),
    updated_at              timestamptz   not null default now(),
    constraint zoho_connection_user_id_key unique (user_id),
    constraint zoho_connection_connected_has_refresh_token
        check (status <> 'CONNECTED' or refresh_token is not null)
);

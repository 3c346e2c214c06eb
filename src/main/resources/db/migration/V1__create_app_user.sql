-- The people who sign in with Zoho. Identity is the Zoho user id (ZUID); email and name are refreshed
-- at every sign-in.
create table app_user (
    id              uuid         primary key default gen_random_uuid(),
    zoho_user_id    varchar(64)  not null,
    email           varchar(320) not null,
    display_name    varchar(200) not null,
    region          varchar(32)  not null,
    role            varchar(16)  not null check (role in ('admin', 'manager', 'viewer')),
    status          varchar(16)  not null default 'ACTIVE' check (status in ('ACTIVE', 'DISABLED')),
    created_at      timestamptz  not null default now(),
    updated_at      timestamptz  not null default now(),
    last_sign_in_at timestamptz,
    constraint app_user_zoho_user_id_key unique (zoho_user_id)
);

create index app_user_email_idx on app_user (lower(email));

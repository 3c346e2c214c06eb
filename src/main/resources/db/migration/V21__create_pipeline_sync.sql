-- The sync's own state (docs/pipeline.md): currency snapshots, runs, the cursors and the scheduler lock.

-- GET /crm/v8/org/currencies, read on every run and kept as a dated snapshot. exchange_rate: 1 unit of the home
-- currency (is_base) = exchange_rate units of iso_code.
create table pipeline_currency_snapshot (
    id            bigint       generated always as identity primary key,
    taken_at      timestamptz  not null default now(),
    run_id        uuid,
    home_currency varchar(3)   not null
);

create index pipeline_currency_snapshot_taken_idx on pipeline_currency_snapshot (taken_at desc);

create table pipeline_currency_rate (
    snapshot_id   bigint       not null references pipeline_currency_snapshot (id) on delete cascade,
    iso_code      varchar(3)   not null,
    exchange_rate numeric      not null check (exchange_rate > 0),
    is_base       boolean      not null,
    is_active     boolean      not null default true,
    primary key (snapshot_id, iso_code)
);

-- One row per sync run, written as it goes (counters after every stored page). outcome 'running' on a row whose
-- instance no longer holds the lock means that instance died: the next run marks it 'abandoned'.
create table pipeline_sync_run (
    id            uuid         primary key,
    mode          varchar(12)  not null check (mode in ('incremental', 'full')),
    trigger       varchar(12)  not null check (trigger in ('manual', 'scheduled')),
    requested_by  uuid,                                  -- the admin who pressed sync (null when scheduled)
    instance      varchar(255) not null,                 -- which application instance ran it
    started_at    timestamptz  not null default now(),
    heartbeat_at  timestamptz  not null default now(),
    finished_at   timestamptz,
    outcome       varchar(16)  not null default 'running'
        check (outcome in ('running', 'succeeded', 'throttled', 'reauth_required', 'failed', 'abandoned')),
    fetched       integer      not null default 0,       -- deal records received from Deals calls
    upserted      integer      not null default 0,       -- deal rows written
    deleted       integer      not null default 0,       -- deleted-list entries received (+ unseen deals of a full run)
    pages         integer      not null default 0,       -- pages of Deals and Deals/deleted fully stored
    zoho_calls    integer      not null default 0,       -- CRM calls made (credits spent)
    retry_after   timestamptz,                           -- throttled: not before this
    error_detail  varchar(1000)
);

create index pipeline_sync_run_started_idx on pipeline_sync_run (started_at desc);
create index pipeline_sync_run_outcome_idx on pipeline_sync_run (outcome, finished_at desc);

-- The one row of sync state: the sync account and the two cursors. Each cursor moves in the same transaction as
-- the page of deals it covers, so it never passes a record that is not stored.
create table pipeline_sync_state (
    id                 smallint     primary key default 1 check (id = 1),
    sync_user_id       uuid         references app_user (id) on delete set null,
    modified_cursor    timestamptz,                       -- every deal with Modified_Time <= this is stored
    deleted_cursor     timestamptz,                       -- the latest deleted_time seen
    last_full_sync_at  timestamptz,
    updated_at         timestamptz  not null default now(),
    updated_by         uuid
);

insert into pipeline_sync_state (id) values (1);

-- ShedLock (JdbcTemplateLockProvider, database time): one sync at a time across all instances without holding a
-- connection for the run. Standard ShedLock layout, shared by any other locked job.
create table if not exists shedlock (
    name       varchar(64)  not null primary key,
    lock_until timestamp    not null,
    locked_at  timestamp    not null,
    locked_by  varchar(255) not null
);

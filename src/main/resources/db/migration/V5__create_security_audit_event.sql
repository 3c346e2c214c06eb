-- The security audit trail: one row per SecurityEvent, append-only.
-- Rows are never updated; they are deleted only by purge_security_audit_events (retention), and never
-- while younger than 30 days. See docs/observability.md.
create table security_audit_event (
    id          bigint       generated always as identity primary key,
    occurred_at timestamptz  not null,
    type        varchar(64)  not null,
    outcome     varchar(16)  not null,
    user_id     uuid,
    -- who it is about, already masked (emails as a***@example.com)
    subject     varchar(320),
    client_ip   varchar(64),
    user_agent  varchar(256),
    request_id  varchar(64),
    details     jsonb        not null default '{}'::jsonb
);

-- Newest first, for the admin listing and its cursor (occurred_at, id); and the same per user and per type.
create index security_audit_event_time_idx on security_audit_event (occurred_at desc, id desc);
create index security_audit_event_user_idx on security_audit_event (user_id, occurred_at desc, id desc)
    where user_id is not null;
create index security_audit_event_type_idx on security_audit_event (type, occurred_at desc, id desc);

-- Refuses UPDATE, TRUNCATE and any DELETE except the purge below. The purge announces itself with a
-- transaction-local setting holding its cutoff; even then only rows older than that cutoff, and at least
-- 30 days old, may go, so that setting the variable by hand cannot erase recent history.
create function security_audit_event_guard() returns trigger
    language plpgsql as
$$
declare
    cutoff timestamptz;
begin
    if tg_op = 'DELETE' then
        cutoff := nullif(current_setting('pipelinepulse.audit_purge_before', true), '')::timestamptz;
        if cutoff is not null and cutoff <= now() - interval '30 days' and old.occurred_at < cutoff then
            return old;
        end if;
    end if;
    raise exception 'security_audit_event is append-only: % refused (retention: purge_security_audit_events)', tg_op
        using errcode = 'insufficient_privilege';
end;
$$;

create trigger security_audit_event_no_update_or_delete
    before update or delete on security_audit_event
    for each row execute function security_audit_event_guard();

create trigger security_audit_event_no_truncate
    before truncate on security_audit_event
    for each statement execute function security_audit_event_guard();

-- Retention: the only way rows leave the trail. Deletes events older than older_than (at least 30 days)
-- and returns how many. Example: select purge_security_audit_events(interval '400 days');
create function purge_security_audit_events(older_than interval) returns bigint
    language plpgsql as
$$
declare
    cutoff  timestamptz;
    removed bigint;
begin
    if older_than is null or older_than < interval '30 days' then
        raise exception 'purge_security_audit_events keeps at least 30 days of history (asked: %)', older_than
            using errcode = 'invalid_parameter_value';
    end if;
    cutoff := now() - older_than;
    perform set_config('pipelinepulse.audit_purge_before', cutoff::text, true);
    delete from security_audit_event where occurred_at < cutoff;
    get diagnostics removed = row_count;
    perform set_config('pipelinepulse.audit_purge_before', '', true);
    return removed;
end;
$$;

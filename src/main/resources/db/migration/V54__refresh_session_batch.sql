-- Several refreshes in one round trip and one commit (issue 18: PostgreSQL's CPU per rotation, most of it the commit
-- and the statement around the work). RefreshBatches hands this function the refreshes that arrived while earlier
-- ones were running; a refresh that finds nothing running still goes alone through refresh_session (V50).
--
-- Item i is exactly refresh_session(presented[i], next_tokens[i], at_times[i], ...) in input order, so what each
-- item decides is what it would decide alone, one after the other: a token presented twice in one batch is rotated
-- by the first and meets the grace window in the second. Each result row carries its item's position.
--
-- Lock order: the sessions of every presented token are locked first, all at once and ordered by id, before any item
-- runs. Two batches, or a batch and any other transaction that locks several sessions in id order
-- (SessionStore.lockLiveSessionsOf, revokeAllExcept), therefore never wait for each other in a cycle.
--
-- One transaction for all items: if any item raises (nothing does but a broken database; the audit insert has its
-- own guard in refresh_session), all of them roll back and the application runs each alone.
create function refresh_session_batch(presented bytea[], next_tokens bytea[], at_micros bigint[],
                                      idle_timeout interval, grace_window interval, client_ips varchar[],
                                      user_agents varchar[], request_ids varchar[])
    returns table (item integer, outcome text, session_id uuid, absolute_expires_at timestamptz, user_id uuid,
                   zoho_user_id varchar, email varchar, display_name varchar, region varchar, role varchar,
                   audited boolean)
    language plpgsql as
$$
declare
    n        integer := coalesce(array_length(presented, 1), 0);
    sessions uuid[] := '{}';
    sid      uuid;
begin
    if array_length(next_tokens, 1) is distinct from array_length(presented, 1)
            or array_length(at_micros, 1) is distinct from array_length(presented, 1)
            or array_length(client_ips, 1) is distinct from array_length(presented, 1)
            or array_length(user_agents, 1) is distinct from array_length(presented, 1)
            or array_length(request_ids, 1) is distinct from array_length(presented, 1) then
        raise exception 'refresh_session_batch: arrays of different lengths' using errcode = '22023';
    end if;
    -- One index lookup per token, then one lock per session in id order. A single statement with
    -- "token_hash = any (presented)" took a generic plan that scanned refresh_token whole: 0.53 ms of PostgreSQL's CPU
    -- per rotation instead of 0.18 (perf/refresh-function.sh, PERF_FN_MODE=batch, ten per call).
    for i in 1 .. n loop
        select r.session_id into sid from refresh_token r where r.token_hash = presented[i];
        if found then
            sessions := sessions || sid;
        end if;
    end loop;
    for sid in select distinct s from unnest(sessions) s order by s loop
        perform 1 from user_session us where us.id = sid for update;
    end loop;
    for i in 1 .. n loop
        return query
            select i, f.*
              from refresh_session(presented[i], next_tokens[i],
                                   timestamptz 'epoch' + at_micros[i] * interval '1 microsecond', idle_timeout,
                                   grace_window, client_ips[i], user_agents[i], request_ids[i]) f;
    end loop;
end;
$$;

revoke execute on function refresh_session_batch(bytea[], bytea[], bigint[], interval, interval, varchar[],
                                                 varchar[], varchar[]) from public;

do $$
begin
    execute format('alter function refresh_session_batch(bytea[], bytea[], bigint[], interval, interval, varchar[], '
                   'varchar[], varchar[]) set search_path = pg_catalog, %I, pg_temp', current_schema());
end
$$;

-- The service role may call it too. CREATE OR REPLACE keeps the owner and the grants but not the SET clause: pinned
-- again below, as V51 does.
create or replace function grant_service_role_routines(service_role name) returns void
    language plpgsql as
$$
begin
    if service_role is null or service_role = current_user then
        return;
    end if;
    execute format('grant execute on function refresh_session(bytea, bytea, timestamptz, interval, interval, '
                   'varchar, varchar, varchar) to %I', service_role);
    execute format('grant execute on function refresh_session_batch(bytea[], bytea[], bigint[], interval, interval, '
                   'varchar[], varchar[], varchar[]) to %I', service_role);
end;
$$;

do $$
begin
    execute format('alter function grant_service_role_routines(name) set search_path = pg_catalog, %I, pg_temp',
                   current_schema());
end
$$;

-- A refresh with rotation in one round trip and one commit (issue 18, docs/authentication.md "Refresh tokens").
-- refresh_session locks the session of the presented token, checks it exactly as RefreshTokenRotation does
-- (revoked, idle and absolute expiry, the user active, a rotated token accepted once inside the grace window) and,
-- when every check passes, rotates: the live token (or the presented one's grace) is used up, the next token is
-- stored, the idle expiry moves on (never past absolute_expires_at, which it never changes) and the audit row of
-- the successful refresh is written. Called as one statement outside any explicit transaction, it is its own
-- transaction: one round trip, one commit.
--
-- Any other outcome writes nothing and answers 'refused': the application then takes the ordinary path
-- (RefreshTokenRotation), which decides again under the session lock and records the refusal, a reuse revocation
-- included, exactly as before. The function therefore never has to be the judge of a refusal, only of a success.
--
-- The audit row is written here only when the subject's masked form is certain to be what LogMasking makes of it
-- (a plain email address that none of its other rules touches); otherwise, or when the insert fails, audited is
-- false and the application writes the row itself. An audit write that fails never fails the refresh.

create function refresh_session_mask_email(email text) returns text
    language sql immutable strict parallel safe as
$$
    -- LogMasking's email rule (first character and domain kept) for a value that is one plain email address and
    -- nothing any other masking rule reacts to (JWT, Zoho token, credential scheme, AWS key); null otherwise.
    select case
               when email ~ '^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$'
                    and email !~* '(eyj|1000\.|bearer|basic|oauthtoken|akia|asia)'
               then regexp_replace(email, '^(.)[^@]*@(.*)$', '\1***@\2')
           end
$$;

create function refresh_session(presented bytea, next_token bytea, at_time timestamptz, idle_timeout interval,
                                grace_window interval, client_ip varchar, user_agent varchar, request_id varchar)
    returns table (outcome text, session_id uuid, absolute_expires_at timestamptz, user_id uuid,
                   zoho_user_id varchar, email varchar, display_name varchar, region varchar, role varchar,
                   audited boolean)
    language plpgsql as
$$
declare
    s       user_session%rowtype;
    t       refresh_token%rowtype;
    u       app_user%rowtype;
    grace   boolean := false;
    subject text;
begin
    outcome := 'refused';
    audited := false;
    -- Concurrent refreshes of one session are serialised on its row, as in SessionStore.lockSessionOfToken.
    select * into s from user_session us
     where us.id = (select r.session_id from refresh_token r where r.token_hash = presented) for update;
    if not found then
        return next;
        return;
    end if;
    -- Read under the lock: a concurrent refresh may have rotated the token while this one waited.
    select * into t from refresh_token r where r.token_hash = presented;
    select * into u from app_user a where a.id = s.user_id;
    if t.token_hash is null or u.id is null or u.status <> 'ACTIVE' or s.revoked_at is not null
            or not (at_time < s.idle_expires_at and at_time < s.absolute_expires_at) then
        return next;
        return;
    end if;
    if t.rotated_at is not null then
        -- Two tabs refreshed with the same cookie at once: the later one gets its own new token, once.
        grace := not t.grace_used and at_time < t.rotated_at + grace_window;
        if not grace then
            return next;
            return;
        end if;
        update refresh_token r set grace_used = true where r.token_hash = presented;
    else
        update refresh_token r set rotated_at = at_time where r.session_id = s.id and r.rotated_at is null;
    end if;
    update user_session us set last_used_at = at_time, idle_expires_at = least(at_time + idle_timeout, s.absolute_expires_at)
     where us.id = s.id;
    insert into refresh_token (token_hash, session_id, created_at) values (next_token, s.id, at_time);

    subject := refresh_session_mask_email(u.email);
    if subject is not null then
        begin
            insert into security_audit_event (occurred_at, type, outcome, user_id, subject, client_ip, user_agent,
                                              request_id, details)
            values (at_time, 'refresh', 'success', u.id, left(subject, 320), client_ip, user_agent, request_id,
                    jsonb_build_object('session_id', s.id::text));
            audited := true;
        exception when others then
            audited := false;
        end;
    end if;

    outcome := 'rotated';
    session_id := s.id;
    absolute_expires_at := s.absolute_expires_at;
    user_id := u.id;
    zoho_user_id := u.zoho_user_id;
    email := u.email;
    display_name := u.display_name;
    region := u.region;
    role := u.role;
    return next;
end;
$$;

-- Only the service role (granted by grant_service_role_routines after every migration run) and the owner call it.
revoke execute on function refresh_session(bytea, bytea, timestamptz, interval, interval, varchar, varchar, varchar)
    from public;

-- Applied with grant_service_role_privileges (V12) by the afterMigrate callback ServiceRoleGrants: EXECUTE on the
-- routines the service calls. With one role for both (local development) it does nothing.
create function grant_service_role_routines(service_role name) returns void
    language plpgsql as
$$
begin
    if service_role is null or service_role = current_user then
        return;
    end if;
    execute format('grant execute on function refresh_session(bytea, bytea, timestamptz, interval, interval, '
                   'varchar, varchar, varchar) to %I', service_role);
end;
$$;

revoke execute on function grant_service_role_routines(name) from public;

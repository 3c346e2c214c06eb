-- refresh_session_mask_email in PL/pgSQL instead of SQL, same rule and result (issue 18, refresh CPU).
-- A SQL function that cannot be inlined (its pinned search_path, V51, rules inlining out) is parsed and planned
-- again whenever its caller's expression state is new, and refresh_session's simple expressions get a new one in
-- every transaction: every refresh parsed and planned this body anew (0.076 ms of PostgreSQL time per refresh in
-- pg_stat_statements with track = all, a tenth of the whole function). A PL/pgSQL function keeps its compiled body
-- and its expression's plan for the life of the connection. The regular expressions are PostgreSQL's own cache's.
--
-- CREATE OR REPLACE keeps the owner and the grants but not the SET clause: the search_path is pinned again below,
-- exactly as V51 does (FlywayMigrationIntegrationTests checks every function of the schema).
create or replace function refresh_session_mask_email(email text) returns text
    language plpgsql immutable strict parallel safe as
$$
begin
    -- LogMasking's email rule (first character and domain kept) for a value that is one plain email address and
    -- nothing any other masking rule reacts to (JWT, Zoho token, credential scheme, AWS key); null otherwise.
    return case
               when email ~ '^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$'
                    and email !~* '(eyj|1000\.|bearer|basic|oauthtoken|akia|asia)'
               then regexp_replace(email, '^(.)[^@]*@(.*)$', '\1***@\2')
           end;
end;
$$;

do $$
begin
    execute format('alter function refresh_session_mask_email(text) set search_path = pg_catalog, %I, pg_temp',
                   current_schema());
end
$$;

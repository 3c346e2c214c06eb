-- Two database roles (docs/deployment.md, "Database roles"): an owner role runs Flyway and owns every object; the
-- service role the application connects with owns nothing and holds only the privileges granted here. Without
-- ownership it cannot ALTER TABLE ... DISABLE TRIGGER, and without DELETE it cannot remove audit rows however it
-- sets pipelinepulse.audit_purge_before: only purge_security_audit_events, which runs with its owner's rights,
-- deletes from the audit trail.

-- The purge runs as its owner, with a search_path fixed to this schema (pg_temp last) so that a caller cannot
-- substitute a table or function of its own.
do $$
begin
    execute format('alter function purge_security_audit_events(interval) security definer '
                   'set search_path = pg_catalog, %I, pg_temp', current_schema());
end
$$;

revoke execute on function purge_security_audit_events(interval) from public;

-- What the service role may do, applied by the application after every Flyway run (the afterMigrate callback
-- ServiceRoleGrants), so tables added by later migrations are covered without each migration granting anything:
--   * every table and view of this schema: SELECT, INSERT, UPDATE, DELETE (never TRUNCATE, REFERENCES, TRIGGER);
--   * append-only tables (security_audit_event): SELECT and INSERT only;
--   * flyway_schema_history: SELECT only (so that a version before this one, which runs Flyway as the service's
--     user, still starts after a rollback: it only reads the history and finds nothing to do);
--   * every sequence: USAGE and SELECT; the schema: USAGE; purge_security_audit_events: EXECUTE.
-- Grants only add or take away the privileges named, in one transaction, so instances already running never see
-- a moment without their privileges. With one role for both (local development) it does nothing. It refuses a
-- service role that owns an object of this schema: ownership would give back every right taken away here.
create function grant_service_role_privileges(service_role name) returns void
    language plpgsql as
$$
declare
    append_only constant name[] := array['security_audit_event'];
    schema_name constant name := current_schema();
    object      record;
begin
    if service_role is null or service_role = current_user then
        return;
    end if;
    -- Instances starting together each run this after Flyway released its lock; concurrent GRANTs on one object
    -- fail ("tuple concurrently updated"), so they take turns.
    perform pg_advisory_xact_lock(hashtext('pipelinepulse.grant_service_role_privileges'));
    if not exists (select 1 from pg_roles where rolname = service_role) then
        raise exception 'the service role % does not exist', service_role using errcode = 'undefined_object';
    end if;
    if exists (select 1 from pg_roles where rolname = service_role and rolsuper) then
        raise exception 'the service role % is a superuser: no privilege can be withheld from it', service_role
            using errcode = 'insufficient_privilege';
    end if;
    if pg_has_role(service_role, current_user, 'USAGE') then
        raise exception 'the service role % is a member of the owner role %: it would hold every owner right',
            service_role, current_user using errcode = 'insufficient_privilege';
    end if;
    for object in
        select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = schema_name and pg_get_userbyid(c.relowner) = service_role
        union all
        select n.nspname from pg_namespace n where n.nspname = schema_name and pg_get_userbyid(n.nspowner) = service_role
    loop
        raise exception 'the service role % owns % in schema %: run REASSIGN OWNED BY % TO % (docs/deployment.md)',
            service_role, object.relname, schema_name, service_role, current_user
            using errcode = 'insufficient_privilege';
    end loop;

    execute format('grant usage on schema %I to %I', schema_name, service_role);
    for object in
        select c.relname, c.relkind from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = schema_name and c.relkind in ('r', 'p', 'v', 'S')
    loop
        if object.relkind = 'S' then
            execute format('grant usage, select on sequence %I to %I', object.relname, service_role);
        elsif object.relname = 'flyway_schema_history' then
            execute format('revoke insert, update, delete, truncate, references, trigger on table %I from %I',
                object.relname, service_role);
            execute format('grant select on table %I to %I', object.relname, service_role);
        elsif object.relname = any (append_only) then
            execute format('revoke update, delete, truncate, references, trigger on table %I from %I',
                object.relname, service_role);
            execute format('grant select, insert on table %I to %I', object.relname, service_role);
        else
            execute format('revoke truncate, references, trigger on table %I from %I', object.relname, service_role);
            execute format('grant select, insert, update, delete on table %I to %I', object.relname, service_role);
        end if;
    end loop;
    execute format('grant execute on function purge_security_audit_events(interval) to %I', service_role);
end;
$$;

revoke execute on function grant_service_role_privileges(name) from public;

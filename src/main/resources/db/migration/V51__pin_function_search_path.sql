-- Every function of this schema resolves names with a fixed search_path: pg_catalog, this schema, pg_temp last.
-- They are SECURITY INVOKER (the purge, pinned in V12, excepted), but an unqualified name in their body would
-- otherwise resolve through the caller's search_path, where pg_temp comes first unless listed: a temporary table
-- named user_session or refresh_token on the calling connection would take the place of the real one. The schema
-- name is the one Flyway migrates (current_schema()), as in V12. FlywayMigrationIntegrationTests checks every
-- function, so a function a later migration adds without this fails the build.
--
-- grant_service_role_privileges reads current_schema() to find the schema it grants on; with pg_catalog listed
-- first current_schema() would answer pg_catalog, so its path names this schema first and leaves pg_catalog out:
-- PostgreSQL then searches pg_catalog implicitly before it, so names resolve exactly as with the others.
do $$
declare
    routine regprocedure;
begin
    foreach routine in array array[
        'security_audit_event_guard()',
        'pipeline_bump_data_version()',
        'pipeline_round2(numeric)',
        'refresh_session_mask_email(text)',
        'refresh_session(bytea, bytea, timestamptz, interval, interval, varchar, varchar, varchar)',
        'grant_service_role_routines(name)']::regprocedure[]
    loop
        execute format('alter function %s set search_path = pg_catalog, %I, pg_temp', routine, current_schema());
    end loop;
    execute format('alter function grant_service_role_privileges(name) set search_path = %I, pg_temp',
                   current_schema());
end
$$;

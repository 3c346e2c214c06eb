-- refresh_session_mask_email without regular expressions: same rule, same result for every input (issue 18, refresh
-- CPU on PostgreSQL's side).
--
-- PostgreSQL's regular expression engine allocates its matching state for every match and frees it afterwards; with
-- three expressions per call that is a few hundred kilobytes, above glibc's trim threshold, so each refresh grew
-- the backend's heap with brk and shrank it again: page faults, munmap and TLB shootdowns between the two vCPUs
-- (perf on the refresh run: pg_regexec 6 % of the backend's samples, the heap churn under it as much again).
-- String functions make the same decision with no allocation worth the name.
--
-- The rule, as V50 wrote it:
--   email ~ '^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$'
--   and email !~* '(eyj|1000\.|bearer|basic|oauthtoken|akia|asia)'
--   then regexp_replace(email, '^(.)[^@]*@(.*)$', '\1***@\2')
-- Spelled out: one '@'; before it at least one of A-Z a-z 0-9 . _ % + -; after it labels of A-Z a-z 0-9 - joined
-- by single dots, at least two labels, the last one two or more letters; and none of the words, in any case. The
-- value is then plain ASCII, so lower() under the "C" collation folds exactly the letters ~* folds. The mask keeps
-- the first character and everything from the '@' on.
-- RefreshInOneStatementIntegrationTests compares this function with V50's expressions over generated values.
--
-- CREATE OR REPLACE keeps the owner and the grants but not the SET clause: the search_path is pinned again below,
-- exactly as V51 does (FlywayMigrationIntegrationTests checks every function of the schema).
create or replace function refresh_session_mask_email(email text) returns text
    language plpgsql immutable strict parallel safe as
$$
declare
    at     integer := strpos(email, '@');
    domain text;
    folded text;
begin
    if at < 2 then
        return null;
    end if;
    domain := substr(email, at + 1);
    if ltrim(substr(email, 1, at - 1),
             'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._%+-') <> ''
            or ltrim(domain, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-.') <> ''
            or left(domain, 1) = '.'
            or strpos(domain, '..') > 0
            or strpos(domain, '.') = 0
            or length(split_part(domain, '.', -1)) < 2
            or ltrim(split_part(domain, '.', -1), 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz') <> '' then
        return null;
    end if;
    folded := lower(email collate "C");
    if strpos(folded, 'eyj') > 0 or strpos(folded, '1000.') > 0 or strpos(folded, 'bearer') > 0
            or strpos(folded, 'basic') > 0 or strpos(folded, 'oauthtoken') > 0 or strpos(folded, 'akia') > 0
            or strpos(folded, 'asia') > 0 then
        return null;
    end if;
    return left(email, 1) || '***@' || domain;
end;
$$;

do $$
begin
    execute format('alter function refresh_session_mask_email(text) set search_path = pg_catalog, %I, pg_temp',
                   current_schema());
end
$$;

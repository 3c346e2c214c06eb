-- The version of the deal data, for the figure cache of the pipeline module (docs/pipeline.md, "Caching"). Any
-- transaction that changes pipeline_deal bumps it once, in that same transaction: a reader that reads the version and
-- the figures in one snapshot therefore never files figures under a version they do not belong to.
create table pipeline_data_version (
    id         smallint    primary key default 1 check (id = 1),
    version    bigint      not null default 0,
    changed_at timestamptz not null default now()
);

insert into pipeline_data_version (id) values (1);

create function pipeline_bump_data_version() returns trigger
language plpgsql as $$
begin
    -- Once per transaction, however many statements (one per batched row) it runs: the flag is transaction-local.
    if current_setting('pipelinepulse.data_version_txid', true) is distinct from txid_current()::text then
        update pipeline_data_version set version = version + 1, changed_at = now() where id = 1;
        perform set_config('pipelinepulse.data_version_txid', txid_current()::text, true);
    end if;
    return null;
end
$$;

create trigger pipeline_deal_data_version
    after insert or update or delete or truncate on pipeline_deal
    for each statement execute function pipeline_bump_data_version();

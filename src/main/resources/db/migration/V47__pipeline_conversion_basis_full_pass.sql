-- The pipeline sync's conversion basis, resumable full passes and unconvertible amounts (docs/pipeline.md).

-- conversion_basis: what every stored amount_reporting is converted with: {"reporting_currency", "reporting_rate",
-- "home_currency", "rates": {iso: rate}} (canonical text, trailing zeros stripped). A run whose basis differs (new
-- org rates, or another configured reporting currency) re-converts every stored deal in the transaction that
-- records the new basis, so stored figures never mix two bases.
-- full_pass_id / full_pass_cursor: a full pass under way. Its deals carry last_seen_run = full_pass_id; every deal
-- with Modified_Time <= full_pass_cursor has been received by it. A full run that stops resumes the pass from there.
alter table pipeline_sync_state
    add column conversion_basis jsonb,
    add column full_pass_id     uuid,
    add column full_pass_cursor timestamptz;

-- exchange_rate_on_deal: the record carried its own positive Exchange_Rate (else the rate came from the snapshot or
-- is 1 in the home currency, and a re-conversion takes it from the new snapshot).
-- unconverted: the deal has an Amount in a currency with no known rate (no Exchange_Rate on the deal, not the home
-- currency, not an org currency, e.g. XXX): it counts with 0 and is reported, never converted at a made-up rate.
alter table pipeline_deal
    add column exchange_rate_on_deal boolean not null default true,
    add column unconverted           boolean not null default false;

update pipeline_deal set exchange_rate_on_deal = case
        when jsonb_typeof(zoho_record -> 'Exchange_Rate') = 'number' then (zoho_record ->> 'Exchange_Rate')::numeric > 0
        when jsonb_typeof(zoho_record -> 'Exchange_Rate') = 'string'
             and zoho_record ->> 'Exchange_Rate' ~ '^\s*[0-9]+(\.[0-9]+)?\s*$'
            then trim(zoho_record ->> 'Exchange_Rate')::numeric > 0
        else false end;

alter table pipeline_sync_run
    add column unconverted integer not null default 0,  -- deals stored by the run without a known rate
    add column reconverted integer not null default 0,  -- stored deals re-converted to a new basis
    add column region_changed integer not null default 0; -- stored deals whose region was re-derived to another one

-- round2 of PIPELINE.md: 2 decimals, half-even (PostgreSQL's round() is half away from zero). Exact for the values
-- the sync computes, which are divided at 40 decimals before rounding.
create function pipeline_round2(x numeric) returns numeric
    language sql immutable strict parallel safe as
$$
select case
           when abs(x * 100 - trunc(x * 100)) = 0.5 and mod(trunc(x * 100), 2) = 0 then trunc(x * 100) / 100
           else round(x, 2)
       end::numeric(20, 2)
$$;

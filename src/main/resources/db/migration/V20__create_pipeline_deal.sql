-- Deals synced from Zoho CRM (docs/pipeline.md, PIPELINE.md "Definitions"). One row per Zoho deal id, written
-- only by the sync (batched upserts). Everything a figure needs is derived at sync time and stored, so that the
-- figures are plain SQL aggregates over the rows that are not deleted:
--   status (won/lost/open from the stage), region (region field, else the owner's region, else UNASSIGNED),
--   amount_reporting and weighted_amount_reporting (round2 half-even, in reporting_currency), the O2R phase and
--   the realized flag. The whole Zoho record is kept as jsonb for fields added later.
create table pipeline_deal (
    id                        varchar(32)    primary key,            -- Zoho record id
    name                      varchar(255),
    account_id                varchar(32),
    account_name              varchar(255),
    owner_id                  varchar(32),                           -- Zoho CRM user id of the owner
    owner_name                varchar(255),
    owner_email               varchar(320),
    stage                     varchar(120),
    status                    varchar(8)     not null check (status in ('open', 'won', 'lost')),
    probability               integer        check (probability between 0 and 100),
    closing_date              date,
    currency                  varchar(3),                            -- the deal's ISO currency (null: home currency)
    amount                    numeric,                               -- in the deal's currency; null when Zoho has none
    exchange_rate             numeric        not null default 1,     -- the deal's Exchange_Rate (1 home = x of currency)
    amount_reporting          numeric(20, 2) not null default 0,     -- round2(amount / exchange_rate * rate(R)), 0 without amount
    weighted_amount_reporting numeric(20, 2) not null default 0,     -- round2(amount_reporting * probability / 100)
    reporting_currency        varchar(3)     not null,               -- R, or the home currency when R is unknown
    currency_snapshot_id      bigint,                                -- the snapshot the conversion used
    region                    varchar(32)    not null,               -- AMER, EMEA, APAC, ... or UNASSIGNED
    forecast_category         varchar(120),
    proposal_date             date,                                  -- O2R milestones (pipelinepulse.pipeline.o2r.fields.*)
    po_date                   date,
    kickoff_date              date,
    invoice_date              date,
    payment_date              date,
    revenue_recognition_date  date,
    o2r_phase                 smallint       not null check (o2r_phase between 1 and 4),
    realized                  boolean        not null default false, -- revenue_recognition_date is set
    created_time              timestamptz,
    modified_time             timestamptz,
    deleted                   boolean        not null default false, -- deleted in Zoho: counts in no figure
    deleted_time              timestamptz,
    zoho_record               jsonb          not null,
    synced_at                 timestamptz    not null default now(),
    last_seen_run             uuid                                   -- the sync run that last received this deal
);

-- The figures and the deal list only ever read live deals: partial indexes over those.
create index pipeline_deal_region_status_idx on pipeline_deal (region, status) where not deleted;
create index pipeline_deal_status_closing_idx on pipeline_deal (status, closing_date) where not deleted;
create index pipeline_deal_owner_idx on pipeline_deal (owner_id) where not deleted;
create index pipeline_deal_stage_idx on pipeline_deal (stage) where not deleted;
-- Cursor pages of GET /api/pipeline/deals: each sort key with the id as tie-break (scanned backwards for "-key").
create index pipeline_deal_amount_page_idx on pipeline_deal (amount_reporting, id) where not deleted;
create index pipeline_deal_closing_page_idx on pipeline_deal (closing_date, id) where not deleted;
create index pipeline_deal_modified_page_idx on pipeline_deal (modified_time, id) where not deleted;
-- q (deal or account name contains, case-insensitive) is a scan over live deals; 100,000 rows stay cheap.

-- Indexes that match what the figure routes actually run (docs/pipeline.md, "Query plans").

-- A viewer's figures (summary, breakdowns, O2R phases) filter "not deleted and region = ? [and status = ?]" and
-- aggregate a handful of columns: a covering index lets PostgreSQL answer them with an index-only scan instead of
-- visiting every heap page that holds one of the region's deals. Replaces the plain (region, status) index.
create index pipeline_deal_region_figures_idx on pipeline_deal (region, status)
    include (amount_reporting, weighted_amount_reporting, unconverted, stage, owner_id, owner_name, forecast_category,
             closing_date, o2r_phase)
    where not deleted;
drop index pipeline_deal_region_status_idx;

-- The deal list sorts by coalesce(closing_date | modified_time, +-infinity) so that deals without a date come last
-- in both directions; plain (closing_date, id) / (modified_time, id) indexes cannot serve those expressions, so a
-- first page sorted by them read and sorted every live deal. One expression index per direction (scanned forwards
-- for ascending, backwards for descending), matching the ORDER BY and the keyset condition of the cursor.
create index pipeline_deal_closing_asc_page_idx on pipeline_deal (coalesce(closing_date, 'infinity'::date), id)
    where not deleted;
create index pipeline_deal_closing_desc_page_idx on pipeline_deal (coalesce(closing_date, '-infinity'::date), id)
    where not deleted;
create index pipeline_deal_modified_asc_page_idx
    on pipeline_deal (coalesce(modified_time, 'infinity'::timestamptz), id) where not deleted;
create index pipeline_deal_modified_desc_page_idx
    on pipeline_deal (coalesce(modified_time, '-infinity'::timestamptz), id) where not deleted;
drop index pipeline_deal_closing_page_idx;
drop index pipeline_deal_modified_page_idx;

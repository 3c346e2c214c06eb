-- The refresh lease of a Zoho connection: which token refresh (a random id per refresh) may ask Zoho for a new
-- access token, and until when. Claimed with one UPDATE ... RETURNING by the refresher and cleared when it is done;
-- no database connection is held while Zoho answers. A lease whose holder crashed lapses at refresh_lease_until.
-- It replaces the session-level advisory lock, which held a pooled connection through the call to Zoho.
alter table zoho_connection
    add column refresh_lease_owner uuid,
    add column refresh_lease_until timestamptz;

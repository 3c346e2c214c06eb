-- A refresh marks the session's not-yet-rotated tokens as rotated. With only the (session_id) index that update
-- visited every token the session ever had (one per refresh: hundreds for a long session, benchmark finding 5 in
-- docs/benchmarks.md); this partial index holds only the live one (two inside the grace window).
create index refresh_token_unrotated_idx on refresh_token (session_id) where rotated_at is null;

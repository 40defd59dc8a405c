-- Each indicator and period with data for any area: every partnership is expected to have a row
-- of it. local_return: it comes from local returns (uploads, demo), where no row is a missing return.
SELECT indicator_id, period_id, bool_or(source IN ('local', 'demo')) AS local_return
FROM observations
GROUP BY indicator_id, period_id

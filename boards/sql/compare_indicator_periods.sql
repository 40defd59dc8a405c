-- Each indicator and period with data for any area: every partnership is expected to have a row
-- of it. local_return: it comes from local returns (uploads, demo), where no row is a missing return;
-- invented: some of its figures are the demo's invented ones.
SELECT indicator_id, period_id, bool_or(source IN ('local', 'demo')) AS local_return,
       bool_or(source = 'demo') AS invented
FROM observations
GROUP BY indicator_id, period_id

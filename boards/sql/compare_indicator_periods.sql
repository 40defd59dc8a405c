-- Each indicator and period with data for any area: every partnership is expected to have a row
-- of it. local_return: it comes from local returns (uploads, demo), where no row is a missing return;
-- invented: some of its figures are the demo's invented ones; loaded_on: the day the earliest load of
-- the figures now held was made (a local return's publication date).
SELECT o.indicator_id, o.period_id, bool_or(o.source IN ('local', 'demo')) AS local_return,
       bool_or(o.source = 'demo') AS invented, min(l.loaded_at)::DATE AS loaded_on
FROM observations o
JOIN loads l USING (load_id)
GROUP BY o.indicator_id, o.period_id

-- Whether a case review recommendation's learning took hold (boards/reviews/themes.py,
-- boards/reviews/register.py). NULL in registers loaded before, or when not given:
-- - themes: the themes it addresses (theme ids of data/review_themes.csv separated by ';'), so that
--   a theme found again after it was signed off shows the learning did not take hold;
-- - impact_check: how its impact was checked once completed (re_audit, practitioner_survey,
--   case_file_sample, none), on impact_checked_date, with impact_result (improved,
--   partly_improved, not_improved).
ALTER TABLE review_recommendations ADD COLUMN themes TEXT;
ALTER TABLE review_recommendations ADD COLUMN impact_check TEXT;
ALTER TABLE review_recommendations ADD COLUMN impact_checked_date DATE;
ALTER TABLE review_recommendations ADD COLUMN impact_result TEXT;

-- What a case review recommendation was meant to fix: the themes it addresses (theme ids of
-- data/review_themes.csv separated by ';'; NULL in registers loaded before, or when not given), so
-- that a theme found again after its recommendation was signed off shows the learning did not take
-- hold (boards/reviews/themes.py).
ALTER TABLE review_recommendations ADD COLUMN themes TEXT;

-- The first admin's printed password is for one use: the pages ask for a new one until it is changed.
ALTER TABLE users ADD COLUMN must_change_password BOOLEAN DEFAULT FALSE NOT NULL;

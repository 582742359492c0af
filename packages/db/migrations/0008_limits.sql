-- Limits, version 8: the rate limiters' fixed windows, shared by every web instance.
-- One row per limit and key (an address, a person, a link); a window starts at its first hit.
CREATE TABLE rate_limit_windows (
  name        text NOT NULL,
  key         text NOT NULL,
  hits        integer NOT NULL CHECK (hits >= 1),
  expires_at  timestamptz NOT NULL,
  PRIMARY KEY (name, key)
);
-- Expired windows are swept a few at a time by the hits themselves.
CREATE INDEX rate_limit_windows_expires ON rate_limit_windows (expires_at);

-- The guest-comment quota counts a link's comments.
CREATE INDEX comments_review_link ON comments (review_link_id) WHERE review_link_id IS NOT NULL;
